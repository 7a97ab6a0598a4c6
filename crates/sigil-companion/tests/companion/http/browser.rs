//! The login pages in headless Chromium: placeholder replaced below.
