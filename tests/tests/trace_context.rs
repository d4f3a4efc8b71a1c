//! W3C trace context on the wire (the `opentelemetry` feature): the
//! `traceparent` of the OpenTelemetry context current when the call runs,
//! written by the installed propagator. Its own binary: the propagator is
//! process-global.

mod support;

use alibabacloud_sdk::credentials::Credentials;
use alibabacloud_sdk::r_kvstore::Client;
use alibabacloud_sdk::Config;

use opentelemetry::context::FutureExt;
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
use support::{Reply, ScriptedServer};

#[tokio::test]
async fn traceparent_carries_the_current_context() {
    opentelemetry::global::set_text_map_propagator(
        opentelemetry_sdk::propagation::TraceContextPropagator::new(),
    );
    let server = ScriptedServer::start(vec![
        Reply::json(200, r#"{"RequestId":"R1"}"#),
        Reply::json(200, r#"{"RequestId":"R2"}"#),
    ])
    .await;
    let client = Client::new(
        Config::builder()
            .endpoint(&server.url)
            .allow_http(true)
            .credentials(Credentials::new("testid", "testsecret"))
            .build()
            .unwrap(),
    );
    let cx = opentelemetry::Context::new().with_remote_span_context(SpanContext::new(
        TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
        SpanId::from_hex("00f067aa0ba902b7").unwrap(),
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    ));
    client
        .describe_security_ips()
        .instance_id("r-1")
        .send()
        .with_context(cx)
        .await
        .unwrap();
    // Outside any context: no header.
    client
        .describe_security_ips()
        .instance_id("r-1")
        .send()
        .await
        .unwrap();
    let sent = server.requests();
    assert_eq!(
        sent[0].header("traceparent").as_deref(),
        Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
    );
    assert_eq!(sent[1].header("traceparent"), None);
}
