//! CRC-64 as OSS computes it (`x-oss-hash-crc64ecma`: CRC-64/XZ, the
//! ECMA-182 polynomial, reflected, initial value and final XOR all ones),
//! and the combination of two CRCs that lets parallel parts be checked
//! against the whole object without reading it twice.

use crc_fast::{CrcAlgorithm, Digest};

/// A running CRC-64.
#[derive(Clone)]
pub(crate) struct Crc64 {
    digest: Digest,
}

impl Crc64 {
    pub(crate) fn new() -> Crc64 {
        Crc64 {
            digest: Digest::new(CrcAlgorithm::Crc64Xz),
        }
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        self.digest.update(data);
    }

    pub(crate) fn value(&self) -> u64 {
        self.digest.finalize()
    }
}

/// The CRC-64 of `data`.
pub fn crc64(data: &[u8]) -> u64 {
    crc_fast::checksum(CrcAlgorithm::Crc64Xz, data)
}

/// The CRC-64 of `a` followed by `b`, from `crc64(a)`, `crc64(b)` and the
/// length of `b`.
pub fn crc64_combine(crc_a: u64, crc_b: u64, len_b: u64) -> u64 {
    crc_fast::checksum_combine(CrcAlgorithm::Crc64Xz, crc_a, crc_b, len_b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_value_and_combine() {
        // CRC-64/XZ's catalogue check value for "123456789".
        assert_eq!(crc64(b"123456789"), 0x995D_C9BB_DF19_39FA);
        assert_eq!(crc64(b""), 0);
        let (a, b) = (b"hello, ".as_slice(), b"object storage".as_slice());
        let whole = [a, b].concat();
        assert_eq!(
            crc64_combine(crc64(a), crc64(b), b.len() as u64),
            crc64(&whole)
        );
        let mut running = Crc64::new();
        running.update(a);
        running.update(b);
        assert_eq!(running.value(), crc64(&whole));
    }
}
