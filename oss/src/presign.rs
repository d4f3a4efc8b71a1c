//! Presigned URLs (a request anyone can send until it expires, without
//! credentials) and V4 POST policies (browser form uploads).

use std::time::{Duration, SystemTime};

use alibabacloud_runtime::credentials::ProvideCredentials;
use alibabacloud_signing::oss as sign;
use base64::Engine as _;
use reqwest::Method;

use crate::addressing;
use crate::client::{Client, OssSignatureVersion};
use crate::error::Error;

/// A presigned request: send `method` to `url` with `headers` before
/// `expiration`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresignedRequest {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    expiration: SystemTime,
}

impl PresignedRequest {
    /// The HTTP method the URL was signed for.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The URL, signature included.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Headers that were signed and must be sent as they are.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// When the URL stops working.
    pub fn expiration(&self) -> SystemTime {
        self.expiration
    }
}

/// Builds a presigned request.
#[derive(Debug)]
#[must_use = "call `presign` to get the URL"]
pub struct Presign {
    client: Client,
    method: Method,
    bucket: String,
    key: String,
    expires: Duration,
    query: Vec<(String, Option<String>)>,
    headers: Vec<(String, String)>,
}

impl Client {
    /// A presigned `GET` of an object: a download link valid for `expires`
    /// (at most 7 days with V4).
    pub fn presign_get_object(
        &self,
        bucket: impl Into<String>,
        key: impl Into<String>,
        expires: Duration,
    ) -> Presign {
        self.presign(Method::GET, bucket, key, expires)
    }

    /// A presigned `PUT` of an object: an upload link valid for `expires`.
    pub fn presign_put_object(
        &self,
        bucket: impl Into<String>,
        key: impl Into<String>,
        expires: Duration,
    ) -> Presign {
        self.presign(Method::PUT, bucket, key, expires)
    }

    /// A presigned request of any method on an object.
    pub fn presign(
        &self,
        method: Method,
        bucket: impl Into<String>,
        key: impl Into<String>,
        expires: Duration,
    ) -> Presign {
        Presign {
            client: self.clone(),
            method,
            bucket: bucket.into(),
            key: key.into(),
            expires,
            query: Vec::new(),
            headers: Vec::new(),
        }
    }
}

impl Presign {
    /// Adds a query parameter to sign (`response-content-disposition`,
    /// `versionId`, `x-oss-process`...).
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), Some(value.into())));
        self
    }

    /// Adds a header the user of the URL must send (`Content-Type` of a
    /// presigned PUT, say).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers
            .push((name.into().to_ascii_lowercase(), value.into()));
        self
    }

    /// Signs. Credentials come from the client's provider; with STS
    /// credentials the URL also stops working when the token expires.
    pub async fn send(self) -> Result<PresignedRequest, Error> {
        addressing::validate_bucket_name(&self.bucket).map_err(|p| Error::invalid("bucket", p))?;
        addressing::validate_object_key(&self.key).map_err(|p| Error::invalid("key", p))?;
        let secs = self.expires.as_secs();
        let inner = &self.client.inner;
        if inner.signature == OssSignatureVersion::V4 && secs > sign::MAX_PRESIGN_EXPIRES_SECS {
            return Err(Error::invalid(
                "expires",
                format!(
                    "{secs} s is longer than the 7 days ({} s) OSS accepts for a V4 presigned URL",
                    sign::MAX_PRESIGN_EXPIRES_SECS
                ),
            ));
        }
        if secs == 0 {
            return Err(Error::invalid(
                "expires",
                "a presigned URL must live at least 1 second",
            ));
        }
        let credentials = inner
            .credentials
            .provide_credentials()
            .await
            .map_err(Error::Credentials)?;
        let now = self.client.now();
        let expiration = now + Duration::from_secs(secs);
        let query: Vec<(&str, Option<&str>)> = self
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_deref()))
            .collect();
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let request = sign::OssRequest {
            method: self.method.as_str(),
            bucket: Some(&self.bucket),
            key: Some(&self.key),
            query: &query,
            headers: &headers,
        };
        let added = match inner.signature {
            OssSignatureVersion::V4 => {
                let datetime = crate::time_fmt::iso8601_basic(time::OffsetDateTime::from(now));
                sign::v4_presign(
                    &request,
                    &sign::V4Credentials {
                        access_key_id: credentials.access_key_id(),
                        secret: credentials.access_key_secret(),
                        security_token: credentials.security_token(),
                    },
                    &inner.region,
                    "oss",
                    &datetime,
                    secs,
                    &[],
                )
                .map_err(|e| Error::invalid("expires", e.to_string()))?
                .query
            }
            OssSignatureVersion::V1 => {
                let epoch = expiration
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0);
                sign::v1_presign(
                    &request,
                    credentials.access_key_id(),
                    credentials.access_key_secret(),
                    credentials.security_token(),
                    epoch,
                )
                .query
            }
        };
        let mut all = self.query.clone();
        all.extend(added.into_iter().map(|(k, v)| (k, Some(v))));
        let url = addressing::url(
            &inner.endpoint,
            inner.style,
            Some(&self.bucket),
            Some(&self.key),
            &all,
        );
        Ok(PresignedRequest {
            method: self.method.as_str().to_string(),
            url,
            headers: self.headers,
            expiration,
        })
    }
}

/// A browser form upload (`PostObject`) signed with a V4 policy: post the
/// `fields`, then the file as the last field named `file`, to `url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostForm {
    url: String,
    fields: Vec<(String, String)>,
}

impl PostForm {
    /// Where the form posts to (the bucket's URL).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The form fields, in order, before the `file` field.
    pub fn fields(&self) -> &[(String, String)] {
        &self.fields
    }
}

impl Client {
    /// A V4-signed POST policy letting a browser upload to `key` until
    /// `expires` from now. `max_size` caps the file (`content-length-range`).
    pub async fn post_object_form(
        &self,
        bucket: &str,
        key: &str,
        expires: Duration,
        max_size: Option<u64>,
    ) -> Result<PostForm, Error> {
        addressing::validate_bucket_name(bucket).map_err(|p| Error::invalid("bucket", p))?;
        addressing::validate_object_key(key).map_err(|p| Error::invalid("key", p))?;
        let credentials = self
            .inner
            .credentials
            .provide_credentials()
            .await
            .map_err(Error::Credentials)?;
        let now = time::OffsetDateTime::from(self.now());
        let datetime = crate::time_fmt::iso8601_basic(now);
        let date = &datetime[..8];
        let credential = format!(
            "{}/{}",
            credentials.access_key_id(),
            sign::v4_scope(date, &self.inner.region, "oss")
        );
        let expiration = (now + expires)
            .to_offset(time::UtcOffset::UTC)
            .format(&time::format_description::well_known::Rfc3339)
            .map_err(|e| Error::invalid("expires", e.to_string()))?;
        let mut conditions = vec![
            serde_json::json!({ "bucket": bucket }),
            serde_json::json!(["eq", "$key", key]),
            serde_json::json!({ "x-oss-signature-version": sign::V4_ALGORITHM }),
            serde_json::json!({ "x-oss-credential": credential }),
            serde_json::json!({ "x-oss-date": datetime }),
        ];
        if let Some(token) = credentials.security_token() {
            conditions.push(serde_json::json!({ "x-oss-security-token": token }));
        }
        if let Some(max) = max_size {
            conditions.push(serde_json::json!(["content-length-range", 0, max]));
        }
        let policy = serde_json::json!({ "expiration": expiration, "conditions": conditions });
        let policy_b64 = base64::engine::general_purpose::STANDARD.encode(policy.to_string());
        let signature = sign::v4_post_policy_signature(
            &policy_b64,
            credentials.access_key_secret(),
            date,
            &self.inner.region,
            "oss",
        );
        let mut fields = vec![
            ("key".to_string(), key.to_string()),
            ("policy".to_string(), policy_b64),
            (
                "x-oss-signature-version".to_string(),
                sign::V4_ALGORITHM.to_string(),
            ),
            ("x-oss-credential".to_string(), credential),
            ("x-oss-date".to_string(), datetime.clone()),
        ];
        if let Some(token) = credentials.security_token() {
            fields.push(("x-oss-security-token".to_string(), token.to_string()));
        }
        fields.push(("x-oss-signature".to_string(), signature));
        let url = addressing::url(
            &self.inner.endpoint,
            self.inner.style,
            Some(bucket),
            None,
            &[],
        );
        Ok(PostForm { url, fields })
    }
}
