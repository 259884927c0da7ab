// Package fakeregistrar serves faithful local copies of the registrar's two
// census lookup sites (the legacy "wsp" page and the 2026 "elecciones" page
// with its JSON API) on 127.0.0.1, so scrapers, queues and demos run without
// ever touching the real hosts.
//
// Behaviour is scripted per cédula by a Fixture table (found, not found,
// cancelled, blocked, slow, broken, transient, reload, captcha rejected, flaky).
// The package deliberately imports neither scraper nor registrar (the
// parsers): it stands in for the registrar, so its answers are checked
// against the parsers only in its tests, and scraper's in-package tests can
// use it. Fixture.Want states the expected parse result as the strings
// census defines (census.Outcome values and error class names).
package fakeregistrar
