//! Response decoding on arbitrary bytes: error bodies (JSON and the XML
//! `<Error>` form), the 200-with-an-error-body check, and typed success
//! bodies through the lenient readers. Every outcome is a value or a
//! `ResponseError` with a bounded excerpt, never a panic.

#![no_main]

use alibabacloud_sdk::error::ResponseError;
use alibabacloud_sdk::r_kvstore::{
    DescribeInstanceAttributeResponse, DescribeInstancesResponse, DescribeRegionsResponse,
    DescribeSecurityGroupConfigurationResponse, DescribeSecurityIpsResponse,
};
use alibabacloud_sdk::__private::response;
use alibabacloud_sdk::transport::HttpResponse;
use libfuzzer_sys::fuzz_target;

fn decode<T: serde::de::DeserializeOwned + std::fmt::Debug>(r: &HttpResponse, documented: bool) {
    match response::success::<T>(r, documented) {
        Ok(v) => {
            let _ = format!("{v:?}");
        }
        Err(e) => check_error(&e),
    }
}

fn check_error(e: &ResponseError) {
    // The excerpt is bounded whatever the body. Display shows it escaped
    // (`{:?}`), so one control byte can take six characters (`\u{c}`):
    // bounded by a multiple of the limit, not by the limit itself (the
    // first finding of this target was an assertion that forgot this).
    assert!(e.to_string().len() < 10 * ResponseError::EXCERPT_LIMIT + 1024);
}

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data.split_first() {
        Some((s, rest)) => (200 + u16::from(*s) * 2, rest.to_vec()),
        None => (200, Vec::new()),
    };
    let r = HttpResponse::new(status, body).with_header("x-acs-request-id", "FUZZ");
    match response::service_error(&r) {
        Ok(e) => {
            assert_eq!(e.status(), status);
            let _ = e.to_string();
        }
        Err(e) => check_error(&e),
    }
    let _ = response::is_error_body(&r.body);
    decode::<DescribeInstancesResponse>(&r, true);
    decode::<DescribeSecurityIpsResponse>(&r, true);
    decode::<DescribeInstanceAttributeResponse>(&r, true);
    decode::<DescribeSecurityGroupConfigurationResponse>(&r, true);
    decode::<DescribeRegionsResponse>(&r, false);
});
