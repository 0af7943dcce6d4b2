//! Who is calling: signed access tokens, password hashing, and the extractors that put the
//! caller's role in a handler's signature. The role and organization always come from the
//! database, never from the token alone.

mod extractors;
mod password;
mod tokens;

pub use extractors::{Admin, AuthUser, Editor, Moderator, OrgAdmin, Partner, Staff};
pub use password::PasswordHasher;
pub use tokens::{ACCESS_TOKEN_SECONDS, Claims, JwtKeys, hash_token, random_token};
