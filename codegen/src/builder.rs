//! A builder for `build.rs`. (Placeholder: being written.)
