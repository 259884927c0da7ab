// Package registrar is the registrar's two sites as data and pure code: their
// real URLs and reCAPTCHA sitekeys, the parsers of their answers (Parse for
// both sites, block-page detection) and the text helpers they need, with no
// browser anywhere.
//
// It also owns the limits of a lookup against those sites (pool size,
// timeout), so package config can read every default and range without
// linking go-rod: the browser that drives the sites lives in package
// scraper, which imports this one.
package registrar
