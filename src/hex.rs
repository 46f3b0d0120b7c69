//! Lower-case hexadecimal, the one home of it: keys, content hashes, pseudonym tokens, key
//! fingerprints, temporary file names.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Appends `bytes` to `out` as lower-case hex digits.
pub fn push(out: &mut Vec<u8>, bytes: &[u8]) {
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize]);
        out.push(DIGITS[(b & 15) as usize]);
    }
}

/// `bytes` as lower-case hex.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len() * 2);
    push(&mut out, bytes);
    String::from_utf8(out).expect("hex digits are ASCII")
}

/// The bytes of an even number of hex digits (either case), or `None`.
pub fn decode(text: &[u8]) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    text.chunks(2)
        .map(|p| Some(digit(p[0])? << 4 | digit(p[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip() {
        let all: Vec<u8> = (0..=255).collect();
        let text = super::encode(&all);
        assert_eq!(&text[..6], "000102");
        assert_eq!(super::decode(text.as_bytes()).unwrap(), all);
        assert_eq!(super::decode(b"ABcd").unwrap(), [0xab, 0xcd]);
        assert!(super::decode(b"abc").is_none() && super::decode(b"zz").is_none());
    }
}
