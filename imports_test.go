package samverkan_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestOnlyCodegenImportsTheSchema checks that ent/schema, the input of
// code generation, is imported only by ent's generated runtime (which
// installs its hooks, policies and validators): the rest of the code uses
// what ent generated from it (ent/privacy, the entity packages) and the
// packages it is built on (swedish, auth).
func TestOnlyCodegenImportsTheSchema(t *testing.T) {
	const schema = "github.com/samverkan/samverkan/ent/schema"
	allowed := map[string]bool{"github.com/samverkan/samverkan/ent/runtime": true}
	out, err := exec.Command("go", "list", "-f",
		"{{.ImportPath}}{{range .Imports}} {{.}}{{end}}{{range .TestImports}} {{.}}{{end}}{{range .XTestImports}} {{.}}{{end}}",
		"./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	checked := 0
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		checked++
		pkg := fields[0]
		for _, imp := range fields[1:] {
			if imp == schema && !allowed[pkg] {
				t.Errorf("%s imports %s; use what ent generates from it instead", pkg, schema)
			}
		}
	}
	if checked < 20 {
		t.Fatalf("go list listed %d packages; want the whole module", checked)
	}
}
