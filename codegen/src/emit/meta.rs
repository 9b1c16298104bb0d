//! Static block descriptions (`META`) for the runtime. (Being written.)
