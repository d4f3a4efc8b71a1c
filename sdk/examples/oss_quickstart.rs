//! The README's OSS quick start, compiled so it stays true.
//!
//! ```sh
//! ALIBABA_CLOUD_OSS_ENDPOINT=http://127.0.0.1:PORT ALIBABA_CLOUD_REGION_ID=cn-hangzhou \
//! ALIBABA_CLOUD_ACCESS_KEY_ID=testid ALIBABA_CLOUD_ACCESS_KEY_SECRET=testsecret \
//! cargo run -p alibabacloud-sdk --features oss --example oss_quickstart
//! ```

use alibabacloud_sdk::oss::{Client, Error};
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), Error> {
    // Region and credentials as for every product; ALIBABA_CLOUD_OSS_ENDPOINT overrides the endpoint.
    let client = Client::from_env()?;
    client
        .put_object("my-bucket", "notes/hello.txt")
        .body("hello")
        .send()
        .await?;
    let text = client
        .get_object("my-bucket", "notes/hello.txt")
        .send()
        .await?
        .into_body()
        .collect()
        .await?;
    println!("{}", String::from_utf8_lossy(&text));

    // Any size: parts in parallel, resumable, aborted on failure without a checkpoint.
    client
        .upload("my-bucket", "backups/db.tar")
        .file("db.tar")
        .checkpoint_dir(".oss")
        .send()
        .await?;
    client
        .download("my-bucket", "backups/db.tar")
        .to_file("copy.tar")
        .send()
        .await?;

    let link = client
        .presign_get_object("my-bucket", "notes/hello.txt", Duration::from_secs(3600))
        .send()
        .await?;
    println!("{}", link.url());
    match client.head_object("my-bucket", "missing").send().await {
        Err(e) if e.code() == Some("NoSuchKey") => println!("not there"),
        other => println!("{other:?}"),
    }
    Ok(())
}
