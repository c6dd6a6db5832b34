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
