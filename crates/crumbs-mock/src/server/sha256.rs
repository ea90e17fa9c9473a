//! SHA-256 (FIPS 180-4), HMAC-SHA256 (RFC 2104) and PBKDF2-HMAC-SHA256 with one 32-byte
//! block (RFC 8018): all the mock's signing and password checks need.
//!
//! Written here, as one loop per step, rather than taken from the `sha2`, `hmac` and
//! `pbkdf2` crates, whose unrolled rounds and generic layers the page paid for in Wasm: this
//! module and `base64.rs` together weigh 6.3 KB gzip less than those crates and `base64`,
//! for a server that lives in the page it serves. The tests check published vectors and
//! compare every function with those crates (dev-dependencies) on many inputs.

/// The first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// The initial hash value: the first 32 bits of the fractional parts of the square roots
/// of the first 8 primes.
const H0: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

const BLOCK: usize = 64;

/// A SHA-256 computation under way.
#[derive(Clone)]
pub(crate) struct Sha256 {
    state: [u32; 8],
    block: [u8; BLOCK],
    /// Bytes waiting in `block`.
    filled: usize,
    /// Bytes hashed in all, for the final length field (which counts bits modulo 2^64).
    length: u64,
}

impl Sha256 {
    pub(crate) fn new() -> Self {
        Self {
            state: H0,
            block: [0; BLOCK],
            filled: 0,
            length: 0,
        }
    }

    pub(crate) fn update(&mut self, mut data: &[u8]) {
        self.length = self.length.wrapping_add(data.len() as u64);
        while !data.is_empty() {
            let take = (BLOCK - self.filled).min(data.len());
            self.block[self.filled..self.filled + take].copy_from_slice(&data[..take]);
            self.filled += take;
            data = &data[take..];
            if self.filled == BLOCK {
                compress(&mut self.state, &self.block);
                self.filled = 0;
            }
        }
    }

    pub(crate) fn finish(mut self) -> [u8; 32] {
        let bits = self.length.wrapping_mul(8);
        // `filled` is below a block here: `update` compresses every full one.
        self.block[self.filled] = 0x80;
        self.block[self.filled + 1..].fill(0);
        if self.filled >= BLOCK - 8 {
            compress(&mut self.state, &self.block);
            self.block = [0; BLOCK];
        }
        self.block[BLOCK - 8..].copy_from_slice(&bits.to_be_bytes());
        compress(&mut self.state, &self.block);
        digest(&self.state)
    }
}

fn digest(state: &[u32; 8]) -> [u8; 32] {
    let mut digest = [0; 32];
    for (out, word) in digest.chunks_exact_mut(4).zip(state) {
        out.copy_from_slice(&word.to_be_bytes());
    }
    digest
}

fn compress(state: &mut [u32; 8], block: &[u8; BLOCK]) {
    let mut w = [0u32; 64];
    for (word, bytes) in w.iter_mut().zip(block.chunks_exact(4)) {
        *word = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    }
    for i in 16..64 {
        let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
        let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16]
            .wrapping_add(s0)
            .wrapping_add(w[i - 7])
            .wrapping_add(s1);
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
    for (k, w) in K.iter().zip(w) {
        let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
        let ch = (e & f) ^ (!e & g);
        let t1 = h
            .wrapping_add(s1)
            .wrapping_add(ch)
            .wrapping_add(*k)
            .wrapping_add(w);
        let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
        let maj = (a & b) ^ (a & c) ^ (b & c);
        h = g;
        g = f;
        f = e;
        e = d.wrapping_add(t1);
        d = c;
        c = b;
        b = a;
        a = t1.wrapping_add(s0.wrapping_add(maj));
    }
    for (word, add) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
        *word = word.wrapping_add(add);
    }
}

/// An HMAC-SHA256 key, its inner and outer pads already hashed: each MAC of a short
/// message then costs two compressions, which is what keeps PBKDF2 fast.
#[derive(Clone)]
pub(crate) struct HmacSha256 {
    inner: Sha256,
    outer: Sha256,
}

impl HmacSha256 {
    /// Keys of any length: a key longer than a block is hashed first (RFC 2104).
    pub(crate) fn new(key: &[u8]) -> Self {
        let mut padded = [0u8; BLOCK];
        if key.len() > BLOCK {
            let mut hash = Sha256::new();
            hash.update(key);
            padded[..32].copy_from_slice(&hash.finish());
        } else {
            padded[..key.len()].copy_from_slice(key);
        }
        let pad = |with: u8| {
            let mut hash = Sha256::new();
            hash.update(&padded.map(|byte| byte ^ with));
            hash
        };
        Self {
            inner: pad(0x36),
            outer: pad(0x5c),
        }
    }

    /// The MAC of a 32-byte message (PBKDF2's previous MAC): after the pads, the inner
    /// and the outer hash are one block each, laid out here once, with no copying of
    /// hash states.
    fn mac_of_32(&self, message: &[u8; 32]) -> [u8; 32] {
        let mut block = [0u8; BLOCK];
        block[32] = 0x80;
        // The length field: a block of pad and 32 bytes of message, 768 bits.
        block[BLOCK - 2] = 0x03;
        block[..32].copy_from_slice(message);
        let mut inner = self.inner.state;
        compress(&mut inner, &block);
        block[..32].copy_from_slice(&digest(&inner));
        let mut outer = self.outer.state;
        compress(&mut outer, &block);
        digest(&outer)
    }

    pub(crate) fn mac(&self, message: &[u8]) -> [u8; 32] {
        let mut inner = self.inner.clone();
        inner.update(message);
        let mut outer = self.outer.clone();
        outer.update(&inner.finish());
        outer.finish()
    }
}

/// PBKDF2-HMAC-SHA256 of `password` and `salt` over `rounds` iterations, 32 bytes long
/// (one block: `T_1`). Zero rounds count as one, as one is the least the function does.
pub(crate) fn pbkdf2_hmac_sha256(password: &[u8], salt: &[u8], rounds: u32) -> [u8; 32] {
    let key = HmacSha256::new(password);
    // U_1 = HMAC(password, salt || INT(1)).
    let mut first = key.inner.clone();
    first.update(salt);
    first.update(&1u32.to_be_bytes());
    let mut outer = key.outer.clone();
    outer.update(&first.finish());
    let mut u = outer.finish();
    let mut derived = u;
    for _ in 1..rounds {
        u = key.mac_of_32(&u);
        for (out, byte) in derived.iter_mut().zip(u) {
            *out ^= byte;
        }
    }
    derived
}

/// Whether `a` and `b` are equal, taking the same time wherever they differ (only their
/// lengths, which are not secret, can end it early).
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{KeyInit, Mac};
    use sha2::Digest;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|byte| format!("{byte:02x}")).collect()
    }

    fn sha256(data: &[u8]) -> [u8; 32] {
        let mut hash = Sha256::new();
        hash.update(data);
        hash.finish()
    }

    /// A deterministic byte stream for the comparisons with the crates.
    fn bytes(seed: u32, len: usize) -> Vec<u8> {
        let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect()
    }

    #[test]
    fn sha256_matches_the_fips_180_examples() {
        assert_eq!(
            hex(&sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(&sha256(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        let mut million = Sha256::new();
        for _ in 0..1000 {
            million.update(&[b'a'; 1000]);
        }
        assert_eq!(
            hex(&million.finish()),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
    }

    #[test]
    fn sha256_matches_the_sha2_crate_at_every_length_and_split() {
        for len in 0..300 {
            let data = bytes(len as u32, len);
            let expected: [u8; 32] = sha2::Sha256::digest(&data).into();
            assert_eq!(sha256(&data), expected, "{len} bytes");
            let mut split = Sha256::new();
            let (head, tail) = data.split_at(len / 3);
            split.update(head);
            split.update(tail);
            assert_eq!(split.finish(), expected, "{len} bytes in two updates");
        }
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test cases 1, 2, 3, 4 and 6 (a key longer than a block).
        for (key, data, mac) in [
            (
                vec![0x0b; 20],
                b"Hi There".to_vec(),
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe".to_vec(),
                b"what do ya want for nothing?".to_vec(),
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                vec![0xaa; 20],
                vec![0xdd; 50],
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
            ),
            (
                (1..=25).collect(),
                vec![0xcd; 50],
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
            ),
            (
                vec![0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
        ] {
            assert_eq!(hex(&HmacSha256::new(&key).mac(&data)), mac);
        }
    }

    #[test]
    fn hmac_matches_the_hmac_crate_for_keys_around_a_block() {
        for key_len in [0, 1, 31, 32, 33, 63, 64, 65, 100, 200] {
            for data_len in [0, 1, 32, 55, 56, 64, 65, 130] {
                let key = bytes(key_len as u32, key_len);
                let data = bytes(1000 + data_len as u32, data_len);
                let mut expected = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
                expected.update(&data);
                let expected: [u8; 32] = expected.finalize().into_bytes().into();
                assert_eq!(
                    HmacSha256::new(&key).mac(&data),
                    expected,
                    "key {key_len}, data {data_len}"
                );
            }
        }
    }

    #[test]
    fn pbkdf2_matches_published_vectors_and_the_pbkdf2_crate() {
        for (rounds, derived) in [
            (
                1,
                "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b",
            ),
            (
                2,
                "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43",
            ),
            (
                4096,
                "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a",
            ),
        ] {
            assert_eq!(
                hex(&pbkdf2_hmac_sha256(b"password", b"salt", rounds)),
                derived,
                "{rounds} rounds"
            );
        }
        for (password_len, salt_len, rounds) in [(0, 0, 1), (8, 16, 3), (70, 16, 10), (5, 90, 7)] {
            let password = bytes(password_len, password_len as usize);
            let salt = bytes(500 + salt_len, salt_len as usize);
            let mut expected = [0u8; 32];
            pbkdf2::pbkdf2_hmac::<sha2::Sha256>(&password, &salt, rounds, &mut expected);
            assert_eq!(pbkdf2_hmac_sha256(&password, &salt, rounds), expected);
        }
    }

    #[test]
    fn same_bytes_compares_whole_slices() {
        assert!(same_bytes(b"", b""));
        assert!(same_bytes(b"abc", b"abc"));
        assert!(!same_bytes(b"abc", b"abd"));
        assert!(!same_bytes(b"abc", b"ab"));
        assert!(!same_bytes(b"xbc", b"abc"));
    }
}
