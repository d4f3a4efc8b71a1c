//! Observability against the mock: one call span with the outcome's fields
//! (the mock's request id among them), a child span per attempt, the
//! metrics hook, W3C trace context on the wire, and no secret anywhere.

use alibabacloud_mock::faults::{Fault, FaultPlan, FaultRule};
use alibabacloud_mock::{MockConfig, MockServer};
use alibabacloud_sdk::credentials::Credentials;
use alibabacloud_sdk::r_kvstore::Client;
use alibabacloud_sdk::retry::RetryPolicy;
use alibabacloud_sdk::telemetry::{AttemptRecord, CallRecord, Metrics};
use alibabacloud_sdk::Config;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

const SECRET: &str = "testsecret";

#[derive(Debug, Clone, Default)]
struct SpanData {
    name: String,
    parent: Option<u64>,
    fields: BTreeMap<String, String>,
}

#[derive(Clone, Default)]
struct Capture {
    spans: Arc<Mutex<BTreeMap<u64, SpanData>>>,
    events: Arc<Mutex<Vec<String>>>,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

impl<S> Layer<S> for Capture
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut data = SpanData {
            name: attrs.metadata().name().to_string(),
            parent: ctx
                .span(id)
                .and_then(|s| s.parent())
                .map(|p| p.id().into_u64()),
            ..SpanData::default()
        };
        attrs.record(&mut Fields(&mut data.fields));
        self.spans.lock().unwrap().insert(id.into_u64(), data);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _ctx: Context<'_, S>) {
        if let Some(data) = self.spans.lock().unwrap().get_mut(&id.into_u64()) {
            values.record(&mut Fields(&mut data.fields));
        }
    }

    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.events.lock().unwrap().push(format!("{fields:?}"));
    }
}

#[derive(Default)]
struct Recorder {
    attempts: Mutex<Vec<String>>,
    calls: Mutex<Vec<String>>,
}

impl Metrics for Recorder {
    fn on_attempt(&self, a: &AttemptRecord<'_>) {
        self.attempts.lock().unwrap().push(format!(
            "{} #{} {:?} {:?} throttled={}",
            a.operation.action(),
            a.attempt,
            a.status,
            a.error_code,
            a.throttled
        ));
    }
    fn on_call(&self, c: &CallRecord<'_>) {
        assert!(c.latency > Duration::ZERO);
        self.calls.lock().unwrap().push(format!(
            "{} attempts={} throttles={} {:?} success={} id={}",
            c.operation.action(),
            c.attempts,
            c.throttles,
            c.status,
            c.success,
            c.request_id.is_some()
        ));
    }
}

#[tokio::test(flavor = "current_thread")]
async fn one_call_span_with_the_outcome_and_a_span_per_attempt() {
    let capture = Capture::default();
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(capture.clone()));
    let server = MockServer::start(
        MockConfig::new().faults(
            FaultPlan::new().rule(
                FaultRule::new(Fault::throttling())
                    .action("DescribeSecurityIps")
                    .times(1),
            ),
        ),
    )
    .await
    .unwrap();
    let recorder = Arc::new(Recorder::default());
    let client = Client::new(
        Config::builder()
            .endpoint(server.url())
            .allow_http(true)
            .region("cn-hangzhou")
            .credentials(Credentials::new("testid", SECRET))
            .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(1)))
            .metrics(recorder.clone())
            .build()
            .unwrap(),
    );
    let out = client
        .describe_security_ips()
        .instance_id("r-mock000000000001")
        .send()
        .await
        .unwrap();
    let request_id = out.request_id().unwrap().to_string();
    let e = client
        .describe_security_ips()
        .instance_id("r-nope")
        .send()
        .await
        .unwrap_err();

    let spans = capture.spans.lock().unwrap().clone();
    let calls: Vec<(&u64, &SpanData)> = spans
        .iter()
        .filter(|(_, s)| s.name == "alibabacloud.call")
        .collect();
    assert_eq!(calls.len(), 2, "{spans:#?}");
    let (call_id, call) = calls[0];
    let f = &call.fields;
    assert_eq!(f["product"], "R-kvstore");
    assert_eq!(f["version"], "2015-01-01");
    assert_eq!(f["action"], "DescribeSecurityIps");
    assert_eq!(f["region"], "cn-hangzhou");
    assert_eq!(f["host"], server.endpoint());
    assert_eq!(f["attempts"], "2");
    assert_eq!(f["status"], "200");
    assert_eq!(f["request_id"], request_id, "the mock's request id");
    assert!(!f.contains_key("error_code"), "{f:?}");
    assert!(f["latency_ms"].parse::<u64>().is_ok());
    let attempts: Vec<&SpanData> = spans
        .values()
        .filter(|s| s.name == "alibabacloud.attempt" && s.parent == Some(*call_id))
        .collect();
    assert_eq!(attempts.len(), 2, "children of the call span");
    assert_eq!(attempts[0].fields["error_code"], "Throttling.User");
    assert_eq!(attempts[0].fields["status"], "400");
    assert_eq!(attempts[1].fields["request_id"], request_id);

    let failed = &calls[1].1.fields;
    assert_eq!(failed["error_code"], "InvalidInstanceId.NotFound");
    assert_eq!(failed["status"], "404");
    assert_eq!(
        failed["request_id"],
        e.service_error().unwrap().request_id().unwrap()
    );

    assert_eq!(
        *recorder.attempts.lock().unwrap(),
        [
            "DescribeSecurityIps #1 Some(400) Some(\"Throttling.User\") throttled=true",
            "DescribeSecurityIps #2 Some(200) None throttled=false",
            "DescribeSecurityIps #1 Some(404) Some(\"InvalidInstanceId.NotFound\") throttled=false",
        ]
    );
    assert_eq!(
        *recorder.calls.lock().unwrap(),
        [
            "DescribeSecurityIps attempts=2 throttles=1 Some(200) success=true id=true",
            "DescribeSecurityIps attempts=1 throttles=0 Some(404) success=false id=true",
        ]
    );

    let everything = format!("{spans:?} {:?}", capture.events.lock().unwrap());
    assert!(!everything.contains(SECRET), "a secret was traced");
    assert!(!everything.contains("Signature="), "a signature was traced");
}
