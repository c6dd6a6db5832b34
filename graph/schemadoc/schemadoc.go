// Package schemadoc fills in the descriptions that entgql leaves out of the
// GraphQL schema it generates (edges that are connections, filter and order
// inputs, enum values, mutation inputs), so that every type, field, argument
// and enum value can be learnt from introspection alone. It runs as an
// entgql schema hook when ent/entc.go generates graph/ent.graphql.
package schemadoc

import (
	"fmt"
	"strings"

	"entgo.io/ent/entc/gen"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/samverkan/samverkan"
)

// Describe is the entgql schema hook.
func Describe(g *gen.Graph, s *ast.Schema) error {
	d := describer{schema: s, types: map[string]string{}, edges: map[string]string{}}
	for _, sch := range g.Schemas {
		if c, ok := sch.Annotations["Comment"].(map[string]any); ok {
			d.types[sch.Name], _ = c["Text"].(string)
		}
		for _, e := range sch.Edges {
			d.edges[sch.Name+"."+samverkan.GraphQLName(e.Name)] = e.Comment
		}
	}
	for _, def := range s.Types {
		if err := d.describe(def); err != nil {
			return err
		}
	}
	return nil
}

type describer struct {
	schema *ast.Schema
	types  map[string]string // type name → schema comment
	edges  map[string]string // "Type.edgeName" → edge comment
}

func (d *describer) describe(def *ast.Definition) error {
	name := def.Name
	if def.Description == "" {
		switch {
		case d.types[name] != "":
			def.Description = d.types[name]
		case name == "Query":
			def.Description = "The entry points for reading the plan: every type as a Relay connection, and any object by its ID."
		case name == "Time":
			def.Description = "A date and time in RFC 3339 format, e.g. \"2021-01-19T00:00:00Z\"."
		case strings.HasSuffix(name, "OrderField"):
			def.Description = "Properties by which " + strings.TrimSuffix(name, "OrderField") + " connections can be ordered."
		}
	}
	for _, f := range def.Fields {
		if f.Description != "" {
			continue
		}
		desc, err := d.field(def, f)
		if err != nil {
			return err
		}
		f.Description = desc
	}
	for _, v := range def.EnumValues {
		if v.Description == "" {
			v.Description = enumValue(def.Name, v.Name)
		}
	}
	return nil
}

func (d *describer) field(def *ast.Definition, f *ast.FieldDefinition) (string, error) {
	typ, name := def.Name, f.Name
	switch {
	case name == "id":
		return "The ID of the " + words(typ) + ", unique across all types: node(id:) finds it.", nil
	case typ == "Query":
		target := strings.TrimSuffix(f.Type.Name(), "Connection")
		return fmt.Sprintf("The %s, as a Relay connection: filter with where, sort with orderBy, page with first and after (50 per page unless first or last says otherwise, at most 100).",
			plural(words(target))), nil
	case d.edges[typ+"."+name] != "":
		return d.edges[typ+"."+name] + " A Relay connection: filter with where, sort with orderBy, page with first and after.", nil
	case strings.HasSuffix(typ, "WhereInput"):
		return whereField(strings.TrimSuffix(typ, "WhereInput"), name), nil
	case strings.HasPrefix(typ, "Create") && strings.HasSuffix(typ, "Input"):
		return d.inputField(strings.TrimSuffix(strings.TrimPrefix(typ, "Create"), "Input"), name, true)
	case strings.HasPrefix(typ, "Update") && strings.HasSuffix(typ, "Input"):
		return d.inputField(strings.TrimSuffix(strings.TrimPrefix(typ, "Update"), "Input"), name, false)
	}
	return "", fmt.Errorf("schemadoc: no description for %s.%s", typ, name)
}

// inputField describes a field of a create or update input: one that sets a
// field of the type takes that field's description.
func (d *describer) inputField(typ, name string, create bool) (string, error) {
	if obj := d.schema.Types[typ]; obj != nil {
		if f := obj.Fields.ForName(name); f != nil && f.Description != "" {
			if create {
				return f.Description, nil
			}
			return f.Description + " Left out, it keeps its value.", nil
		}
	}
	switch {
	case strings.HasPrefix(name, "clear"):
		target := strings.TrimPrefix(name, "clear")
		if strings.HasSuffix(target, "s") && !strings.HasSuffix(target, "Years") {
			return "When true, unlinks all " + words(target) + ".", nil
		}
		return "When true, removes the value of " + lowerFirst(target) + ".", nil
	case strings.HasPrefix(name, "append"):
		return "Values to add at the end of " + lowerFirst(strings.TrimPrefix(name, "append")) + ".", nil
	case strings.HasPrefix(name, "add") && strings.HasSuffix(name, "IDs"):
		return "The IDs of " + plural(words(strings.TrimSuffix(strings.TrimPrefix(name, "add"), "IDs"))) + " to link; those already linked stay linked.", nil
	case strings.HasPrefix(name, "remove") && strings.HasSuffix(name, "IDs"):
		return "The IDs of " + plural(words(strings.TrimSuffix(strings.TrimPrefix(name, "remove"), "IDs"))) + " to unlink.", nil
	case strings.HasSuffix(name, "IDs"):
		return "The IDs of " + plural(words(strings.TrimSuffix(name, "IDs"))) + " to link.", nil
	}
	return "", fmt.Errorf("schemadoc: no description for %sInput.%s", typ, name)
}

// whereSuffixes are the predicates entgql generates, longest first so that
// "ContainsFold" is not taken for "Contains".
var whereSuffixes = []struct{ suffix, text string }{
	{"ContainsFold", "contains the text, ignoring case (Swedish letters å, ä, ö included)"},
	{"EqualFold", "equals the text, ignoring case (Swedish letters å, ä, ö included)"},
	{"HasPrefix", "starts with the text (case-sensitive)"},
	{"HasSuffix", "ends with the text (case-sensitive)"},
	{"Contains", "contains the text (case-sensitive)"},
	{"NotNil", "has a value"},
	{"IsNil", "has no value"},
	{"NotIn", "is none of the values"},
	{"NEQ", "does not equal the value"},
	{"GTE", "is greater than or equal to the value"},
	{"LTE", "is less than or equal to the value"},
	{"GT", "is greater than the value"},
	{"LT", "is less than the value"},
	{"In", "is one of the values"},
}

func whereField(typ, name string) string {
	switch name {
	case "not":
		return "Matches the " + plural(words(typ)) + " the filter does not match."
	case "and":
		return "Matches the " + plural(words(typ)) + " that all of the filters match."
	case "or":
		return "Matches the " + plural(words(typ)) + " that at least one of the filters matches."
	}
	if edge, ok := strings.CutPrefix(name, "has"); ok {
		if edge, ok := strings.CutSuffix(edge, "With"); ok {
			return "Matches when at least one linked " + singular(words(edge)) + " matches all of the filters: the way to filter across an edge."
		}
		return "Matches when the " + words(typ) + " has (true) or has no (false) linked " + words(edge) + "."
	}
	for _, s := range whereSuffixes {
		if field, ok := strings.CutSuffix(name, s.suffix); ok && field != "" {
			return "Matches when " + field + " " + s.text + "."
		}
	}
	return "Matches when " + name + " equals the value."
}

// enumValues describes the values of the enums that entgql generates.
var enumValues = map[string]string{
	"ActivityStatus.PLANNED":                "Planned (planerad): decided but not begun.",
	"ActivityStatus.ONGOING":                "Ongoing (pågående): under way.",
	"ActivityStatus.DONE":                   "Done (genomförd): carried out.",
	"ActivityStatus.CANCELLED":              "Cancelled (inställd): will not be carried out.",
	"FollowUpAssessment.GREEN":              "Green (grön): on track.",
	"FollowUpAssessment.YELLOW":             "Yellow (gul): at risk.",
	"FollowUpAssessment.RED":                "Red (röd): off track.",
	"FollowUpPeriod.YEAR":                   "The whole year.",
	"FollowUpPeriod.FIRST_HALF":             "January to June (halvår 1).",
	"FollowUpPeriod.SECOND_HALF":            "July to December (halvår 2).",
	"FollowUpPeriod.FIRST_TERTIAL":          "January to April (tertial 1).",
	"FollowUpPeriod.SECOND_TERTIAL":         "May to August (tertial 2).",
	"FollowUpPeriod.THIRD_TERTIAL":          "September to December (tertial 3).",
	"IndicatorDirection.HIGHER_IS_BETTER":   "Higher values are better (e.g. children reached).",
	"IndicatorDirection.LOWER_IS_BETTER":    "Lower values are better (e.g. a waiting time).",
	"IndicatorScope.MUNICIPALITY":           "Values are entered per municipality.",
	"IndicatorScope.COUNTY":                 "One value is entered for the whole county.",
	"IndicatorAggregation.SUM":              "The county's outcome is the sum of the municipalities' values.",
	"IndicatorAggregation.MEAN":             "The county's outcome is the mean of the municipalities' values.",
	"IndicatorValuePeriod.T1":               "January to April (tertial 1).",
	"IndicatorValuePeriod.T2":               "May to August (tertial 2).",
	"IndicatorValuePeriod.T3":               "September to December (tertial 3).",
	"IndicatorValuePeriod.H1":               "January to June (halvår 1).",
	"IndicatorValuePeriod.H2":               "July to December (halvår 2).",
	"IndicatorValueSource.OWN":              "The plan's own follow-up (egen uppföljning).",
	"IndicatorValueSource.KOLADA":           "Kolada's key figures (Källa: Kolada).",
	"IndicatorValueSource.FOLLOW_UP":        "A figure a follow-up of an activity reports (IndicatorValue.followUp names it).",
	"GoalAssessmentLight.GREEN":             "Green (grön): on track.",
	"GoalAssessmentLight.YELLOW":            "Yellow (gul): at risk.",
	"GoalAssessmentLight.RED":               "Red (röd): off track.",
	"InstitutionKind.MUSEUM":                "A museum.",
	"InstitutionKind.THEATRE":               "A theatre or other stage.",
	"InstitutionKind.MUSIC":                 "A music institution or orchestra.",
	"InstitutionKind.LIBRARY":               "A library.",
	"InstitutionKind.SCHOOL_OF_ARTS":        "A school of arts (kulturskola) or a cooperation of them.",
	"InstitutionKind.NETWORK":               "A network of people or organisations.",
	"InstitutionKind.ARCHIVE":               "An archive.",
	"InstitutionKind.VENUE":                 "A venue or culture house.",
	"InstitutionKind.OTHER":                 "Any other kind of actor.",
	"Role.ADMIN":                            "Admin: changes everything, users and tokens included.",
	"Role.EDITOR":                           "Editor (redaktör): updates the activities the municipalities and institutions of its scope take part in, and their follow-ups.",
	"Role.VIEWER":                           "Viewer (läsare): reads, also where reading needs a token.",
	"TokenKind.SESSION":                     "A session from signing in; it expires.",
	"TokenKind.API":                         "A read-only API token an admin issued, for a reporting tool.",
	"AuditAction.CREATE":                    "The record was created.",
	"AuditAction.UPDATE":                    "The record was changed.",
	"AuditAction.DELETE":                    "The record was deleted.",
	"AuditAction.RESTORE":                   "The record was restored after a deletion, with its own ID (restoreDeleted).",
	"OrderDirection.ASC":                    "Ascending: A to Ö, smallest first.",
	"OrderDirection.DESC":                   "Descending: Ö to A, largest first.",
	"FollowUpDeadlinePeriod.YEAR":           "The whole year.",
	"FollowUpDeadlinePeriod.FIRST_HALF":     "January to June (halvår 1).",
	"FollowUpDeadlinePeriod.SECOND_HALF":    "July to December (halvår 2).",
	"FollowUpDeadlinePeriod.FIRST_TERTIAL":  "January to April (tertial 1).",
	"FollowUpDeadlinePeriod.SECOND_TERTIAL": "May to August (tertial 2).",
	"FollowUpDeadlinePeriod.THIRD_TERTIAL":  "September to December (tertial 3).",
	"PlanState.DRAFT":                       "Draft (utkast): being prepared, not yet adopted.",
	"PlanState.ADOPTED":                     "Adopted (antagen): the plan runs.",
	"PlanState.CLOSED":                      "Closed (avslutad): its period is over; only admins change it or anything under it.",
	"TokenKind.CALENDAR":                    "The secret of a user's calendar feed of what is due; it reads that feed and nothing else.",
}

func enumValue(enum, value string) string {
	if d, ok := enumValues[enum+"."+value]; ok {
		return d
	}
	if strings.HasSuffix(enum, "OrderField") {
		if edge, ok := strings.CutSuffix(value, "_COUNT"); ok {
			return "By the number of " + strings.ToLower(strings.ReplaceAll(edge, "_", " ")) + "."
		}
		return "By " + strings.ToLower(strings.ReplaceAll(value, "_", " ")) + "."
	}
	return "" // the schema test lists what is left undescribed
}

// words turns a type or field name into words: FollowUp → "follow-up",
// Objective → "heading" (what its users call it).
func words(name string) string {
	if one, ok := strings.CutSuffix(name, "s"); ok && samverkan.RecordName(one) != strings.ToLower(one) {
		return samverkan.RecordName(one) + "s"
	}
	return samverkan.RecordName(name)
}

func plural(s string) string {
	switch {
	case strings.HasSuffix(s, "s"):
		return s
	case strings.HasSuffix(s, "y"):
		return strings.TrimSuffix(s, "y") + "ies"
	}
	return s + "s"
}

func singular(s string) string {
	if t, ok := strings.CutSuffix(s, "ies"); ok {
		return t + "y"
	}
	return strings.TrimSuffix(s, "s")
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
