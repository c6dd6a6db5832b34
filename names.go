package samverkan

import (
	"strings"
	"unicode"
)

// GraphQLName turns an ent field or edge name into the name GraphQL gives it
// (first_year → firstYear, objective_id → objectiveID, follow_ups →
// followUps), the name a client knows.
func GraphQLName(name string) string {
	parts := strings.Split(name, "_")
	for i := 1; i < len(parts); i++ {
		switch {
		case parts[i] == "id":
			parts[i] = "ID"
		case parts[i] != "":
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// RecordName is what a client calls a record of an ent type, however the
// type's name is written (FollowUp, followUp, followup: "follow-up";
// Objective: "heading"; PlanRevision: "plan revision"), in the words of the
// admin page, the schema's descriptions and the error messages.
func RecordName(typ string) string {
	key := strings.ToLower(typ)
	if name, ok := recordNames[key]; ok {
		return name
	}
	var b strings.Builder
	for i, r := range typ {
		if unicode.IsUpper(r) && i > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// recordNames are the types whose records a client calls by another name
// than the type's words, and those of more than one word that may come
// lower-cased, by their lower-cased name.
var recordNames = map[string]string{
	"objective":         "heading",
	"followup":          "follow-up",
	"followupdeadline":  "follow-up deadline",
	"goalassessment":    "goal assessment",
	"indicatortarget":   "indicator target",
	"indicatorvalue":    "indicator value",
	"municipalitygroup": "municipality group",
}
