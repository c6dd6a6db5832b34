package samverkan

import "strings"

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
// Objective: "heading"), in the words of the admin page, the schema's
// descriptions and the error messages.
func RecordName(typ string) string {
	key := strings.ToLower(typ)
	if name, ok := recordNames[key]; ok {
		return name
	}
	return key
}

// recordNames are the types whose records a client calls by another name
// than the type's, lower-cased.
var recordNames = map[string]string{
	"objective":         "heading",
	"followup":          "follow-up",
	"goalassessment":    "goal assessment",
	"indicatortarget":   "indicator target",
	"indicatorvalue":    "indicator value",
	"municipalitygroup": "municipality group",
}
