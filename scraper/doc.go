// Package scraper answers one question reliably: what does the registrar say
// about this cédula?
//
// It drives a real Chromium through go-rod against one of two registrar sites
// (the legacy census page "wsp", or the 2026 "elecciones" site with its JSON
// API), solves the reCAPTCHA through a captcha service, and classifies every
// failure into one of census's Err* classes so the queue can decide whether to retry.
// The sites' data (URLs, sitekeys), the answer parsers and the lookup's
// limits are package registrar's, pure and browser-free; this package is
// Chromium's lifecycle and the lookup.
package scraper
