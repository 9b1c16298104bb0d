//! Cross-target checks (armv7 under qemu-user, aarch64). (Placeholder.)
