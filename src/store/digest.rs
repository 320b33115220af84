//! The one-way digest an opted-out id is remembered by once its data is
//! gone, so that a later load recognises the id without the store holding
//! it as text.

use sha2::{Digest, Sha512};

/// What the store keeps of an opted-out id: the first 16 bytes of the
/// SHA-512 of the normalised id after a domain-separating prefix (SHA-512
/// because consent tokens already bring it into the module). It lets a
/// later load recognise the id without the store holding it as text (it does
/// not hide an id from whoever can guess it and has the snapshot).
pub type OptOutDigest = [u8; 16];

pub fn opt_out_digest(id: &str) -> OptOutDigest {
    let mut hash = Sha512::new();
    hash.update(b"rapport/opted-out-id/v1\0");
    hash.update(id.as_bytes());
    let full = hash.finalize();
    let mut digest = [0u8; 16];
    digest.copy_from_slice(&full[..16]);
    digest
}
