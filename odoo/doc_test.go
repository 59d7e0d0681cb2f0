package odoo

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPackagesHaveDocComments fails when a package under this directory
// has no package doc comment in any of its non-test files.
func TestPackagesHaveDocComments(t *testing.T) {
	documented := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry,
		err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") ||
			strings.HasSuffix(path, "_test.go") {
			return err
		}
		file, err := parser.ParseFile(token.NewFileSet(), path, nil,
			parser.PackageClauseOnly|parser.ParseComments)
		if err != nil {
			return err
		}
		dir := filepath.Dir(path)
		documented[dir] = documented[dir] || file.Doc != nil
		return nil
	})
	if err != nil {
		t.Fatalf("walk packages: %v", err)
	}
	for dir, ok := range documented {
		if !ok {
			t.Errorf("package in %s: got no doc comment, want one", dir)
		}
	}
}
