package graph_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/samverkan/samverkan/graph"
)

// A frontend developer should be able to learn the API from introspection
// alone: every type, field, argument and enum value says what it is.
func TestEverythingInTheSchemaIsDescribed(t *testing.T) {
	schema := graph.NewSchema(nil, nil).Schema()
	var missing []string
	for name, def := range schema.Types {
		if strings.HasPrefix(name, "__") {
			continue // introspection's own types
		}
		if strings.TrimSpace(def.Description) == "" {
			missing = append(missing, "type "+name)
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if strings.TrimSpace(f.Description) == "" {
				missing = append(missing, name+"."+f.Name)
			}
			for _, a := range f.Arguments {
				if strings.TrimSpace(a.Description) == "" {
					missing = append(missing, name+"."+f.Name+"("+a.Name+")")
				}
			}
		}
		for _, v := range def.EnumValues {
			if strings.TrimSpace(v.Description) == "" {
				missing = append(missing, name+"."+v.Name)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d parts of the schema have no description:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}
