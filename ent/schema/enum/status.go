// Package enum holds the enumerations that more than one ent type shares, so
// that GraphQL exposes one enum for them rather than one per field.
package enum

import (
	"fmt"
	"io"
	"strconv"
)

// Status is where an activity stands. A follow-up reports the same scale.
type Status string

// The statuses, with their Swedish labels in the comments.
const (
	StatusPlanned   Status = "PLANNED"   // planerad
	StatusOngoing   Status = "ONGOING"   // pågående
	StatusDone      Status = "DONE"      // genomförd
	StatusCancelled Status = "CANCELLED" // inställd
)

// Statuses lists every status in the order reports show them.
var Statuses = []Status{StatusPlanned, StatusOngoing, StatusDone, StatusCancelled}

// Values lists the values ent stores, in the order reports show them.
func (Status) Values() []string {
	vs := make([]string, len(Statuses))
	for i, s := range Statuses {
		vs[i] = string(s)
	}
	return vs
}

// String returns the stored value.
func (s Status) String() string { return string(s) }

// MarshalGQL writes the status as a GraphQL enum value.
func (s Status) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(s))) }

// UnmarshalGQL reads a GraphQL enum value and refuses unknown ones.
func (s *Status) UnmarshalGQL(v any) error {
	str, ok := v.(string)
	if !ok {
		return fmt.Errorf("status must be a string, got %T", v)
	}
	for _, known := range Statuses {
		if str == string(known) {
			*s = known
			return nil
		}
	}
	return fmt.Errorf("%q is not a valid status (PLANNED, ONGOING, DONE or CANCELLED)", str)
}
