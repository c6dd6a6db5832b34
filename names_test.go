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

func TestRecordName(t *testing.T) {
	for in, want := range map[string]string{
		"Objective": "heading", "objective": "heading", "FollowUp": "follow-up", "followUp": "follow-up",
		"IndicatorValue": "indicator value", "Activity": "activity", "MunicipalityGroup": "municipality group", "FollowUpDeadline": "follow-up deadline",
		"PlanRevision": "plan revision", "YearlyReportReadiness": "yearly report readiness", "planRevision": "plan revision",
	} {
		if got := samverkan.RecordName(in); got != want {
			t.Errorf("RecordName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckYear(t *testing.T) {
	for y, ok := range map[int]bool{samverkan.MinYear: true, samverkan.MaxYear: true, samverkan.MinYear - 1: false, samverkan.MaxYear + 1: false} {
		if err := samverkan.CheckYear(y); (err == nil) != ok {
			t.Errorf("CheckYear(%d) = %v", y, err)
		}
	}
}
