package main

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeLayoutMatchesTree keeps the README's layout table true: every
// path it names exists, every top-level directory with Go code or the web
// app is named, and every Go package has a doc comment saying its job.
func TestReadmeLayoutMatchesTree(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	section := string(readme)
	start := strings.Index(section, "\n## Layout\n")
	if start < 0 {
		t.Fatal("README has no ## Layout section")
	}
	section = section[start+len("\n## Layout\n"):]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	listed := map[string]bool{}
	row := regexp.MustCompile("(?m)^\\| ([^|]+) \\|")
	path := regexp.MustCompile("`([^`]+)`")
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		for _, p := range path.FindAllStringSubmatch(m[1], -1) {
			name := strings.TrimSuffix(p[1], "/")
			listed[name] = true
			if _, err := os.Stat(name); err != nil {
				t.Errorf("README layout names %s, which is not in the tree", p[1])
			}
		}
	}

	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") || e.Name() == "node_modules" {
			continue
		}
		if hasGo(t, e.Name()) || e.Name() == "pb_public" {
			if !listed[e.Name()] {
				t.Errorf("directory %s/ is missing from the README's layout table", e.Name())
			}
		}
	}

	// Every package says its job in a doc comment.
	err = filepath.WalkDir(".", func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != "." || d.Name() == "node_modules" || d.Name() == "testdata" {
			return filepath.SkipDir
		}
		pkgs, err := parser.ParseDir(token.NewFileSet(), p, func(fi os.FileInfo) bool {
			return !strings.HasSuffix(fi.Name(), "_test.go")
		}, parser.ParseComments|parser.PackageClauseOnly)
		if err != nil {
			return err
		}
		for name, pkg := range pkgs {
			documented := false
			for _, f := range pkg.Files {
				documented = documented || f.Doc != nil
			}
			if !documented {
				t.Errorf("package %s (%s) has no doc comment", name, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func hasGo(t *testing.T, dir string) bool {
	t.Helper()
	found := false
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".go") {
			found = true
			return filepath.SkipAll
		}
		return nil
	})
	return found
}
