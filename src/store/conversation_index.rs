//! Graph's `conversationIndex` as the store compares it: a 22-byte header
//! block, then one 5-byte block a reply level, so that a reply's index is its
//! parent's plus one block.

/// Bytes of a Graph `conversationIndex` header block, and of each reply's
/// block: a reply's index is its parent's plus one block.
pub const INDEX_HEADER: usize = 22;
pub const INDEX_CHILD: usize = 5;

/// The `conversationIndex` (as hex) of the message a reply with index `hex`
/// answers: its own without the last block; `None` for a thread's first.
pub fn parent_index(hex: &str) -> Option<&str> {
    (hex.len() > INDEX_HEADER * 2 && hex.is_char_boundary(hex.len() - INDEX_CHILD * 2))
        .then(|| &hex[..hex.len() - INDEX_CHILD * 2])
}
