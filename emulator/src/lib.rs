//! sfrpc-emulator: a Salesforce login/password look-alike (SPEC section 9).
