//! mmreg-cli
