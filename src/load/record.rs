//! One definition of a record type for both readers of a record: the
//! one-pass reader (`scan::flat_members`) for the common flat shape, serde's
//! reader for the rest and for every error message. Both then always read
//! the same members, and a member given as `null` is an absent one in both.

/// A record type read by `flat_members` when the record has the common flat
/// shape, by serde's reader otherwise (which also gives every error message):
/// the struct holds each member's JSON text (`None` when absent or `null`)
/// and `read` reads one record. For the record types of `load`'s own modules
/// (the expansion names `super::fields` and `super::scan`).
///
/// `$names`, when given, is a constant of the members' names in that order
/// (the batch reads the interactions' columns by those names).
macro_rules! flat_record {
    ($(#[$doc:meta])* $raw:ident, $vis:vis const $names:ident { $($field:ident: $name:literal),* $(,)? }) => {
        /// The members' names, in the order of the record's fields.
        $vis const $names: [&str; [$($name),*].len()] = [$($name),*];
        flat_record! { $(#[$doc])* $raw { $($field: $name),* } }
    };
    ($(#[$doc:meta])* $raw:ident { $($field:ident: $name:literal),* $(,)? }) => {
        $(#[$doc])*
        struct $raw<'a> {
            $($field: Option<&'a str>,)*
        }

        impl<'a> $raw<'a> {
            fn read(json: &'a str) -> Result<$raw<'a>, super::fields::Fault> {
                if let Some([$($field),*]) = super::scan::flat_members(json, &[$($name),*]) {
                    return Ok($raw { $($field),* });
                }
                #[derive(serde::Deserialize)]
                struct Serde<'a> {
                    $(#[serde(borrow, rename = $name)] $field: Option<&'a serde_json::value::RawValue>,)*
                }
                let r: Serde = super::fields::record_shape(json)?;
                Ok($raw { $($field: r.$field.map(serde_json::value::RawValue::get)),* })
            }
        }
    };
}
pub(crate) use flat_record;
