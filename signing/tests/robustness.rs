//! Arbitrary input: nothing panics, the one-pass V1 `sign` equals its stages
//! composed, and the encoder equals the percent-encoding crate's. Inputs come
//! from a small deterministic generator (no extra dependency) mixing ASCII,
//! control characters and multi-byte text.

use alibabacloud_signing::{percent_encode, v1, v3};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

const UNRESERVED_ONLY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> usize {
        (self.next() % n) as usize
    }

    fn string(&mut self) -> String {
        const POOL: &[char] = &[
            'a', 'Z', '0', '-', '_', '.', '~', ' ', '*', '+', '/', '=', '&', '%', ':', ',', '\n',
            '\t', '\0', '\u{1c}', '\u{7f}', 'é', '中', '文', '😀', '\u{3000}', '\u{feff}',
        ];
        let len = match self.below(10) {
            0 => 0,
            1 => 200 + self.below(300),
            _ => self.below(24),
        };
        (0..len)
            .map(|_| POOL[self.below(POOL.len() as u64)])
            .collect()
    }

    fn pairs(&mut self) -> Vec<(String, String)> {
        (0..self.below(14))
            .map(|_| (self.string(), self.string()))
            .collect()
    }
}

#[test]
fn arbitrary_inputs() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..1500 {
        let s = rng.string();
        let reference: String = utf8_percent_encode(&s, UNRESERVED_ONLY).collect();
        assert_eq!(percent_encode(&s), reference, "{s:?}");

        let (method, secret, params) = (rng.string(), rng.string(), rng.pairs());
        let signed = v1::sign(&method, &params, &secret);
        let cq = v1::canonical_query(&params);
        let sts = v1::string_to_sign(&method, &cq);
        assert_eq!(signed.canonical_query, cq);
        assert_eq!(signed.string_to_sign, sts);
        assert_eq!(signed.signature, v1::signature(&secret, &sts));

        let (path, query, headers, payload) =
            (rng.string(), rng.pairs(), rng.pairs(), rng.string());
        let input = v3::V3Input {
            method: &method,
            path: &path,
            query: &query,
            headers: &headers,
            payload: payload.as_bytes(),
        };
        let signed = v3::sign(&input, &rng.string(), &secret);
        assert_eq!(
            signed.string_to_sign,
            v3::string_to_sign(&signed.canonical_request)
        );
        assert!(signed
            .authorization
            .ends_with(&format!("Signature={}", signed.signature)));
    }
}
