package importer

import (
	"fmt"
	"io"
	"strconv"
)

// MarshalGQL writes the action as a GraphQL enum value.
func (a Action) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(a))) }

// UnmarshalGQL reads a GraphQL enum value and refuses unknown ones.
func (a *Action) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	switch Action(s) {
	case Create, Update, Unchanged, Refused:
		*a = Action(s)
		return nil
	}
	return fmt.Errorf("%q is not an import action (CREATE, UPDATE, UNCHANGED or REFUSED)", s)
}

// MarshalGQL writes the kind as a GraphQL enum value.
func (k Kind) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(k))) }

// UnmarshalGQL reads a GraphQL enum value and refuses unknown ones.
func (k *Kind) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	switch Kind(s) {
	case KindActivity, KindFollowUp:
		*k = Kind(s)
		return nil
	}
	return fmt.Errorf("%q is not a kind of import row (ACTIVITY or FOLLOW_UP)", s)
}
