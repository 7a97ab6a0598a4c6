//! sigil-core against a real companion and dfns-emulator on loopback.

mod actions;
mod challenges;
mod crash;
mod files;
mod journey;
mod login;
mod onboarding;
mod reads;
mod recovery;
mod support;
mod updates;
