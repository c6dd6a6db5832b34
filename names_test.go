package samverkan_test

import (
	"testing"

	"github.com/samverkan/samverkan"
)

func TestGraphQLName(t *testing.T) {
	for in, want := range map[string]string{
		"title": "title", "first_year": "firstYear", "objective_id": "objectiveID",
		"follow_ups": "followUps", "county_code": "countyCode",
	} {
		if got := samverkan.GraphQLName(in); got != want {
			t.Errorf("GraphQLName(%q) = %q, want %q", in, got, want)
		}
	}
}
