// Package webtest drives the web app in pb_public through a real headless
// Chromium (go-rod, Debian's browser) against the real server on loopback:
// hooks, routes, realtime, the census worker with the real lookup engine,
// the fake registrar and the fake captcha service. Its tests are the app's
// end-to-end checks: registration by referral link, live statuses, the
// leaders' table, sessions, keyboard use, accessibility (axe-core), the
// origin of every request, page weight, and screenshots of every page.
//
// Screenshots go to $PADRON_SCREENSHOTS when set, else to the test's
// temporary directory.
package webtest
