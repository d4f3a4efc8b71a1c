#!/usr/bin/env node
// Load client: Alibaba's official Node SDK (@alicloud/r-kvstore20150101)
// calling DescribeSecurityIps from CONCURRENCY concurrent loops on one
// client, for SECONDS after a short warm-up. Prints one JSON line like
// sdk/benches/load.rs: requests, wall time, this process's CPU time and
// peak RSS.
//
//   NODE_PATH=DIR/node_modules node scripts/bench/official_node.js 127.0.0.1:PORT 64 5
'use strict';
const Kvstore = require('@alicloud/r-kvstore20150101');
const OpenApi = require('@alicloud/openapi-client');

const [endpoint, concurrencyArg, secsArg] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const secs = Number(secsArg);
const Client = Kvstore.default;
const client = new Client(new OpenApi.Config({
  accessKeyId: 'testid', accessKeySecret: 'testsecret',
  regionId: 'cn-hangzhou', endpoint, protocol: 'http',
}));
const request = new Kvstore.DescribeSecurityIpsRequest({ instanceId: 'r-mock000000000001' });

let counting = false;
let stop = false;
let ok = 0;
let failed = 0;
let firstError = null;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

async function work() {
  while (!stop) {
    let good = false;
    try {
      const r = await client.describeSecurityIps(request);
      good = r.body.securityIpGroups.securityIpGroup.length > 0;
    } catch (e) {
      if (!firstError) firstError = String(e);
    }
    if (counting) { if (good) ok++; else failed++; }
  }
}

(async () => {
  const loops = Array.from({ length: concurrency }, work);
  await sleep(1000);
  const cpu0 = cpu();
  const t0 = process.hrtime.bigint();
  counting = true;
  await sleep(secs * 1000);
  counting = false;
  const cpu1 = cpu();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  stop = true;
  await Promise.all(loops);
  if (failed && firstError) console.error(`node: first error: ${firstError}`);
  console.log(JSON.stringify({
    client: 'node-official', concurrency, requests: ok, failed,
    wall_s: Number(wall.toFixed(3)), cpu_s: Number((cpu1 - cpu0).toFixed(3)),
    peak_rss_kib: process.resourceUsage().maxRSS,
  }));
})();
