package samverkan

import "fmt"

// The years a plan, an activity or a report's filter can name: outside them
// a year is a typing mistake, not a plan.
const (
	MinYear = 1990
	MaxYear = 2100
)

// CheckYear says what is wrong with a year outside MinYear–MaxYear, in words
// a client reads next to the field's name; nil for a plausible year.
func CheckYear(y int) error {
	if y < MinYear || y > MaxYear {
		return fmt.Errorf("must be a year between %d and %d (got %d)", MinYear, MaxYear, y)
	}
	return nil
}
