//! Bucket operations, and the listings (buckets, objects) as paginators
//! that follow OSS's continuation markers.

use futures_util::Stream;
use reqwest::Method;
use serde::Deserialize;

use crate::body::Body;
use crate::client::{Client, Request};
use crate::error::Error;
use crate::object::url_decode;

/// Creates a bucket.
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct CreateBucket {
    client: Client,
    bucket: String,
    acl: Option<String>,
    storage_class: Option<String>,
    redundancy: Option<String>,
}

impl Client {
    /// Creates a bucket in the client's region. A name already taken is
    /// `BucketAlreadyExists`.
    pub fn create_bucket(&self, bucket: impl Into<String>) -> CreateBucket {
        CreateBucket {
            client: self.clone(),
            bucket: bucket.into(),
            acl: None,
            storage_class: None,
            redundancy: None,
        }
    }

    /// Deletes an empty bucket (`BucketNotEmpty` otherwise). Returns the
    /// request id.
    pub async fn delete_bucket(&self, bucket: &str) -> Result<Option<String>, Error> {
        let r = Request::new("DeleteBucket", Method::DELETE).bucket(bucket)?;
        Ok(self.send(r).await?.header("x-oss-request-id"))
    }

    /// A bucket's details (`NoSuchBucket` if it does not exist).
    pub async fn get_bucket_info(&self, bucket: &str) -> Result<BucketInfo, Error> {
        #[derive(Deserialize)]
        struct Wrapper {
            #[serde(rename = "Bucket")]
            bucket: BucketInfo,
        }
        let r = Request::new("GetBucketInfo", Method::GET)
            .bucket(bucket)?
            .subresource("bucketInfo");
        let w: Wrapper = self.send(r).await?.xml("GetBucketInfo").await?;
        Ok(w.bucket)
    }
}

impl CreateBucket {
    /// The bucket ACL (`private`, `public-read`, `public-read-write`).
    pub fn acl(mut self, acl: impl Into<String>) -> Self {
        self.acl = Some(acl.into());
        self
    }

    /// The default storage class (`Standard`, `IA`, `Archive`, ...).
    pub fn storage_class(mut self, class: impl Into<String>) -> Self {
        self.storage_class = Some(class.into());
        self
    }

    /// Data redundancy (`LRS` or `ZRS`).
    pub fn data_redundancy_type(mut self, kind: impl Into<String>) -> Self {
        self.redundancy = Some(kind.into());
        self
    }

    /// Sends the request; returns the request id.
    pub async fn send(self) -> Result<Option<String>, Error> {
        let mut r = Request::new("PutBucket", Method::PUT)
            .bucket(&self.bucket)?
            .header_opt("x-oss-acl", self.acl);
        if self.storage_class.is_some() || self.redundancy.is_some() {
            let mut xml = String::from(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CreateBucketConfiguration>",
            );
            if let Some(c) = &self.storage_class {
                xml.push_str(&format!(
                    "<StorageClass>{}</StorageClass>",
                    crate::xml::escape(c)
                ));
            }
            if let Some(d) = &self.redundancy {
                xml.push_str(&format!(
                    "<DataRedundancyType>{}</DataRedundancyType>",
                    crate::xml::escape(d)
                ));
            }
            xml.push_str("</CreateBucketConfiguration>");
            r = r
                .header("content-type", "application/xml")
                .body(Body::from_bytes(xml));
        }
        Ok(self.client.send(r).await?.header("x-oss-request-id"))
    }
}

/// A bucket's details.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct BucketInfo {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Location", default)]
    location: Option<String>,
    #[serde(rename = "CreationDate", default)]
    creation_date: Option<String>,
    #[serde(rename = "StorageClass", default)]
    storage_class: Option<String>,
    #[serde(rename = "ExtranetEndpoint", default)]
    extranet_endpoint: Option<String>,
    #[serde(rename = "IntranetEndpoint", default)]
    intranet_endpoint: Option<String>,
}

impl BucketInfo {
    /// The bucket name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its region, as OSS names it (`oss-cn-hangzhou`).
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    /// When it was created (ISO 8601).
    pub fn creation_date(&self) -> Option<&str> {
        self.creation_date.as_deref()
    }

    /// The default storage class.
    pub fn storage_class(&self) -> Option<&str> {
        self.storage_class.as_deref()
    }

    /// The public endpoint.
    pub fn extranet_endpoint(&self) -> Option<&str> {
        self.extranet_endpoint.as_deref()
    }

    /// The internal endpoint.
    pub fn intranet_endpoint(&self) -> Option<&str> {
        self.intranet_endpoint.as_deref()
    }
}

/// One page of [`Client::list_buckets`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ListBucketsPage {
    #[serde(rename = "Buckets", default)]
    buckets: BucketList,
    #[serde(rename = "IsTruncated", default)]
    is_truncated: bool,
    #[serde(rename = "NextMarker", default)]
    next_marker: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
struct BucketList {
    #[serde(rename = "Bucket", default)]
    bucket: Vec<BucketInfo>,
}

impl ListBucketsPage {
    /// The buckets of this page.
    pub fn buckets(&self) -> &[BucketInfo] {
        &self.buckets.bucket
    }

    /// Whether more pages follow.
    pub fn is_truncated(&self) -> bool {
        self.is_truncated
    }
}

impl Client {
    /// Every bucket of the account, a page at a time (`prefix` narrows it).
    pub fn list_buckets(
        &self,
        prefix: Option<&str>,
    ) -> impl Stream<Item = Result<ListBucketsPage, Error>> + Send + 'static {
        let client = self.clone();
        let prefix = prefix.map(str::to_string);
        pages(move |marker: Option<String>| {
            let client = client.clone();
            let prefix = prefix.clone();
            async move {
                let r = Request::new("ListBuckets", Method::GET)
                    .query_opt("prefix", prefix)
                    .query_opt("marker", marker);
                let page: ListBucketsPage = client.send(r).await?.xml("ListBuckets").await?;
                let next = page
                    .is_truncated
                    .then(|| page.next_marker.clone())
                    .flatten();
                Ok((page, next))
            }
        })
    }
}

/// Pages from a fetch function that returns a page and the marker of the
/// next one; stops at the first page without one, or after an error.
pub(crate) fn pages<P, F, Fut>(fetch: F) -> impl Stream<Item = Result<P, Error>> + Send + 'static
where
    P: Send + 'static,
    F: Fn(Option<String>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<(P, Option<String>), Error>> + Send + 'static,
{
    // State: the marker to fetch with, or `None` once finished.
    futures_util::stream::unfold(Some(None::<String>), move |state| {
        let fut = state.map(&fetch);
        async move {
            match fut?.await {
                Ok((page, Some(next))) => Some((Ok(page), Some(Some(next)))),
                Ok((page, None)) => Some((Ok(page), None)),
                Err(e) => Some((Err(e), None)),
            }
        }
    })
}

/// Lists objects with `ListObjectsV2`.
#[derive(Debug, Clone)]
#[must_use = "a listing does nothing until sent or paged"]
pub struct ListObjectsV2 {
    client: Client,
    bucket: String,
    prefix: Option<String>,
    delimiter: Option<String>,
    start_after: Option<String>,
    continuation_token: Option<String>,
    max_keys: Option<u32>,
    fetch_owner: bool,
}

impl Client {
    /// Lists a bucket's objects (and, with a delimiter, its "directories").
    pub fn list_objects_v2(&self, bucket: impl Into<String>) -> ListObjectsV2 {
        ListObjectsV2 {
            client: self.clone(),
            bucket: bucket.into(),
            prefix: None,
            delimiter: None,
            start_after: None,
            continuation_token: None,
            max_keys: None,
            fetch_owner: false,
        }
    }
}

impl ListObjectsV2 {
    /// Only keys starting with this.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// Groups keys sharing a prefix up to this character (`/`) into
    /// [`ListObjectsV2Page::common_prefixes`].
    pub fn delimiter(mut self, delimiter: impl Into<String>) -> Self {
        self.delimiter = Some(delimiter.into());
        self
    }

    /// Only keys after this one.
    pub fn start_after(mut self, key: impl Into<String>) -> Self {
        self.start_after = Some(key.into());
        self
    }

    /// Continues a listing from a page's `next_continuation_token`.
    pub fn continuation_token(mut self, token: impl Into<String>) -> Self {
        self.continuation_token = Some(token.into());
        self
    }

    /// Keys per page, 1 to 1000 (OSS's default is 100).
    pub fn max_keys(mut self, max: u32) -> Self {
        self.max_keys = Some(max);
        self
    }

    /// Includes each object's owner.
    pub fn fetch_owner(mut self, fetch: bool) -> Self {
        self.fetch_owner = fetch;
        self
    }

    fn request(&self, token: Option<String>) -> Result<Request, Error> {
        if let Some(m) = self.max_keys {
            if !(1..=1000).contains(&m) {
                return Err(Error::invalid(
                    "max_keys",
                    format!("{m} is outside OSS's range of 1 to 1000"),
                ));
            }
        }
        let mut r = Request::new("ListObjectsV2", Method::GET)
            .bucket(&self.bucket)?
            .query("list-type", "2")
            .query("encoding-type", "url")
            .query_opt("prefix", self.prefix.clone())
            .query_opt("delimiter", self.delimiter.clone())
            .query_opt("start-after", self.start_after.clone())
            .query_opt("continuation-token", token)
            .query_opt("max-keys", self.max_keys.map(|m| m.to_string()));
        if self.fetch_owner {
            r = r.query("fetch-owner", "true");
        }
        Ok(r)
    }

    /// Fetches one page.
    pub async fn send(self) -> Result<ListObjectsV2Page, Error> {
        let r = self.request(self.continuation_token.clone())?;
        let mut page: ListObjectsV2Page = self.client.send(r).await?.xml("ListObjectsV2").await?;
        page.decode();
        Ok(page)
    }

    /// Every page, following continuation tokens.
    pub fn into_pages(
        self,
    ) -> impl Stream<Item = Result<ListObjectsV2Page, Error>> + Send + 'static {
        let first = self.continuation_token.clone();
        let started = std::sync::atomic::AtomicBool::new(false);
        pages(move |token: Option<String>| {
            let token = if started.swap(true, std::sync::atomic::Ordering::Relaxed) {
                token
            } else {
                first.clone()
            };
            let this = self.clone();
            async move {
                let r = this.request(token)?;
                let mut page: ListObjectsV2Page =
                    this.client.send(r).await?.xml("ListObjectsV2").await?;
                page.decode();
                let next = if page.is_truncated {
                    page.next_continuation_token.clone()
                } else {
                    None
                };
                Ok((page, next))
            }
        })
    }
}

/// One page of [`ListObjectsV2`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ListObjectsV2Page {
    #[serde(rename = "Name", default)]
    name: String,
    #[serde(rename = "Prefix", default)]
    prefix: Option<String>,
    #[serde(rename = "KeyCount", default)]
    key_count: Option<u64>,
    #[serde(rename = "IsTruncated", default)]
    is_truncated: bool,
    #[serde(rename = "NextContinuationToken", default)]
    next_continuation_token: Option<String>,
    #[serde(rename = "EncodingType", default)]
    encoding_type: Option<String>,
    #[serde(rename = "Contents", default)]
    contents: Vec<ObjectSummary>,
    #[serde(rename = "CommonPrefixes", default)]
    common_prefixes: Vec<CommonPrefix>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct CommonPrefix {
    #[serde(rename = "Prefix")]
    prefix: String,
}

impl ListObjectsV2Page {
    /// Keys come URL-encoded (so any byte survives XML); decode them once.
    fn decode(&mut self) {
        if self.encoding_type.as_deref() != Some("url") {
            return;
        }
        for o in &mut self.contents {
            o.key = url_decode(&o.key);
        }
        for p in &mut self.common_prefixes {
            p.prefix = url_decode(&p.prefix);
        }
        if let Some(p) = &mut self.prefix {
            *p = url_decode(p);
        }
        self.encoding_type = None;
    }

    /// The bucket.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The objects of this page.
    pub fn contents(&self) -> &[ObjectSummary] {
        &self.contents
    }

    /// The "directories" under the delimiter.
    pub fn common_prefixes(&self) -> impl Iterator<Item = &str> {
        self.common_prefixes.iter().map(|p| p.prefix.as_str())
    }

    /// Keys on this page, as OSS counts them.
    pub fn key_count(&self) -> Option<u64> {
        self.key_count
    }

    /// Whether more pages follow.
    pub fn is_truncated(&self) -> bool {
        self.is_truncated
    }

    /// The token for the next page.
    pub fn next_continuation_token(&self) -> Option<&str> {
        self.next_continuation_token.as_deref()
    }
}

/// An object in a listing.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ObjectSummary {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "Size", default)]
    size: u64,
    #[serde(rename = "ETag", default)]
    etag: Option<String>,
    #[serde(rename = "LastModified", default)]
    last_modified: Option<String>,
    #[serde(rename = "StorageClass", default)]
    storage_class: Option<String>,
    #[serde(rename = "Type", default)]
    object_type: Option<String>,
}

impl ObjectSummary {
    /// The key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The ETag, quotes included.
    pub fn etag(&self) -> Option<&str> {
        self.etag.as_deref()
    }

    /// When it was last written (ISO 8601).
    pub fn last_modified(&self) -> Option<&str> {
        self.last_modified.as_deref()
    }

    /// The storage class.
    pub fn storage_class(&self) -> Option<&str> {
        self.storage_class.as_deref()
    }

    /// `Normal`, `Multipart`, `Appendable` or `Symlink`.
    pub fn object_type(&self) -> Option<&str> {
        self.object_type.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_page_reads_and_decodes() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult>
  <Name>examplebucket</Name><Prefix>a%2F</Prefix><MaxKeys>2</MaxKeys>
  <EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>
  <NextContinuationToken>CgJiYw--</NextContinuationToken><KeyCount>2</KeyCount>
  <Contents><Key>a%2Fb%20c.txt</Key><LastModified>2020-06-22T11:42:32.000Z</LastModified>
    <ETag>"5B3C1A2E053D763E1B002CC607C5A0FE1****"</ETag><Type>Normal</Type><Size>344606</Size>
    <StorageClass>Standard</StorageClass></Contents>
  <Contents><Key>a%2Fz</Key><Size>0</Size></Contents>
  <CommonPrefixes><Prefix>a%2Fdir%2F</Prefix></CommonPrefixes>
</ListBucketResult>"#;
        let mut page: ListObjectsV2Page = crate::xml::from_body("ListObjectsV2", 200, xml).unwrap();
        page.decode();
        assert_eq!(page.contents()[0].key(), "a/b c.txt");
        assert_eq!(page.contents()[0].size(), 344606);
        assert_eq!(page.contents().len(), 2);
        assert_eq!(page.common_prefixes().collect::<Vec<_>>(), ["a/dir/"]);
        assert!(page.is_truncated());
        assert_eq!(page.next_continuation_token(), Some("CgJiYw--"));
    }

    #[test]
    fn a_broken_page_names_the_operation() {
        let err = crate::xml::from_body::<ListObjectsV2Page>(
            "ListObjectsV2",
            200,
            b"<ListBucketResult><Contents><Size>x</Size>",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("ListObjectsV2: unreadable answer"),
            "{err}"
        );
    }
}
