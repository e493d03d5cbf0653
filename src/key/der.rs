//! A minimal reader for the DER subset used by key containers
//! (SubjectPublicKeyInfo, PKCS#8 PrivateKeyInfo, SEC 1 ECPrivateKey,
//! PKCS#1 RSAPublicKey; ITU-T X.690 §10). Definite lengths only; every
//! read is bounds-checked and never panics.

/// ASN.1 universal tags used here.
pub(crate) const INTEGER: u8 = 0x02;
pub(crate) const BIT_STRING: u8 = 0x03;
pub(crate) const OCTET_STRING: u8 = 0x04;
pub(crate) const OID: u8 = 0x06;
pub(crate) const SEQUENCE: u8 = 0x30;

/// A cursor over DER bytes.
#[derive(Clone, Copy)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { rest: bytes }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next tag, without consuming it.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// Reads one tag-length-value; returns the tag and the value bytes.
    pub(crate) fn any(&mut self) -> Result<(u8, &'a [u8]), ()> {
        let (&tag, rest) = self.rest.split_first().ok_or(())?;
        if tag & 0x1f == 0x1f {
            return Err(()); // high tag numbers do not occur in key formats
        }
        let (&first, mut rest) = rest.split_first().ok_or(())?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 {
                return Err(()); // indefinite or absurd length
            }
            let (len_bytes, after) = rest.split_at_checked(n).ok_or(())?;
            rest = after;
            if len_bytes.first() == Some(&0) {
                return Err(()); // non-minimal length
            }
            let len = len_bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            if len < 0x80 {
                return Err(()); // non-minimal length
            }
            len
        };
        let (value, after) = rest.split_at_checked(len).ok_or(())?;
        self.rest = after;
        Ok((tag, value))
    }

    /// Reads one element that must have `tag`.
    pub(crate) fn expect(&mut self, tag: u8) -> Result<&'a [u8], ()> {
        match self.any()? {
            (t, v) if t == tag => Ok(v),
            _ => Err(()),
        }
    }

    /// Reads a SEQUENCE and returns a reader over its contents.
    pub(crate) fn sequence(&mut self) -> Result<Reader<'a>, ()> {
        self.expect(SEQUENCE).map(Reader::new)
    }

    /// Reads a non-negative INTEGER and returns its big-endian magnitude
    /// without leading zero bytes (an empty slice for zero).
    pub(crate) fn positive_integer(&mut self) -> Result<&'a [u8], ()> {
        let v = self.expect(INTEGER)?;
        match v {
            [] => Err(()),
            [b, ..] if b & 0x80 != 0 => Err(()), // negative
            [0, rest @ ..] => {
                if rest.first().is_some_and(|b| b & 0x80 == 0) {
                    return Err(()); // non-minimal
                }
                Ok(rest)
            }
            _ => Ok(v),
        }
    }

    /// Reads a small INTEGER (such as a version number).
    pub(crate) fn small_integer(&mut self) -> Result<u8, ()> {
        match self.positive_integer()? {
            [] => Ok(0),
            [b] => Ok(*b),
            _ => Err(()),
        }
    }

    /// Reads a BIT STRING with no unused bits and returns its bytes.
    pub(crate) fn bit_string_bytes(&mut self) -> Result<&'a [u8], ()> {
        match self.expect(BIT_STRING)? {
            [0, rest @ ..] => Ok(rest),
            _ => Err(()),
        }
    }

    /// The whole input must have been consumed.
    pub(crate) fn finish(&self) -> Result<(), ()> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_integers() {
        let mut r = Reader::new(&[0x02, 0x02, 0x00, 0x80, 0x04, 0x00]);
        assert_eq!(r.positive_integer(), Ok(&[0x80][..]));
        assert_eq!(r.expect(OCTET_STRING), Ok(&[][..]));
        assert!(r.is_empty());
        // Non-minimal long-form length, indefinite length, truncation.
        assert_eq!(Reader::new(&[0x04, 0x81, 0x01, 0x00]).any(), Err(()));
        assert_eq!(Reader::new(&[0x30, 0x80, 0x00, 0x00]).any(), Err(()));
        assert_eq!(Reader::new(&[0x04, 0x05, 0x00]).any(), Err(()));
        assert_eq!(
            Reader::new(&[0x04, 0x84, 0xff, 0xff, 0xff, 0xff]).any(),
            Err(())
        );
        // Negative and non-minimal integers.
        assert_eq!(Reader::new(&[0x02, 0x01, 0x80]).positive_integer(), Err(()));
        assert_eq!(
            Reader::new(&[0x02, 0x02, 0x00, 0x01]).positive_integer(),
            Err(())
        );
        let long = [&[0x04u8, 0x81, 0x80][..], &[7u8; 0x80][..]].concat();
        assert_eq!(
            Reader::new(&long).expect(OCTET_STRING).map(<[u8]>::len),
            Ok(0x80)
        );
    }
}
