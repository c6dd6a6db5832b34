package schema

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/swedish"
)

// The validators below replace ent's NotEmpty, Match and Range so that the
// error a client sees says what is wrong in words: the message of a
// validator's error reaches the client next to the field's name.

var (
	municipalityCodePattern = regexp.MustCompile(`^[0-9]{4}$`)
	countyCodePattern       = regexp.MustCompile(`^[0-9]{2}$`)
	usernamePattern         = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)
	koladaKPIPattern        = regexp.MustCompile(`^[A-Z][0-9]{5}$`)
)

// notBlank refuses empty strings and strings of only spaces.
func notBlank(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("must not be empty")
	}
	return nil
}

// The longest text a field takes, counted in characters (runes), not
// bytes: "å" is one character, as a person counts it. Without a limit one
// request could store a megabyte in a title, and every list that shows it
// would carry it.
const (
	maxLine    = 300    // a title, a name or another line of text
	maxText    = 20_000 // a description, a statement, a follow-up's text: pages of prose
	maxAddress = 2_000  // a web address
	maxItems   = 100    // the entries of a list of words (focus areas, target groups)
)

// maxRunes refuses text longer than n characters.
func maxRunes(n int) func(string) error {
	return func(s string) error {
		if len(s) <= n { // at least one byte a character: short enough whatever it holds
			return nil
		}
		if c := utf8.RuneCountInString(s); c > n {
			return fmt.Errorf("must be at most %d characters long (got %d)", n, c)
		}
		return nil
	}
}

// lineList refuses a list of more than maxItems entries, or one with an
// entry longer than a line.
func lineList(list []string) error {
	if len(list) > maxItems {
		return fmt.Errorf("must have at most %d entries (got %d)", maxItems, len(list))
	}
	for i, s := range list {
		if c := utf8.RuneCountInString(s); c > maxLine {
			return fmt.Errorf("entry %d must be at most %d characters long (got %d)", i+1, maxLine, c)
		}
	}
	return nil
}

// municipalityCode checks the official four-digit format.
func municipalityCode(s string) error {
	if !municipalityCodePattern.MatchString(s) {
		return fmt.Errorf("must be four digits, like \"1880\" (got %q)", s)
	}
	return nil
}

// countyCode checks the official two-digit format.
func countyCode(s string) error {
	if !countyCodePattern.MatchString(s) {
		return fmt.Errorf("must be two digits, like \"18\" (got %q)", s)
	}
	return nil
}

// koladaKPI checks the form of a Kolada key figure's id: a capital letter
// and five digits, e.g. "N09890" (N for a municipality's figures, U for an
// organisation's).
func koladaKPI(s string) error {
	if !koladaKPIPattern.MatchString(s) {
		return fmt.Errorf("must be a Kolada key figure id, a capital letter and five digits like \"N09890\" (got %q)", s)
	}
	return nil
}

// username accepts what can be typed the same way on any keyboard, so
// that signing in never depends on how "å" was entered.
func username(s string) error {
	if !usernamePattern.MatchString(s) {
		return fmt.Errorf("must be 2–64 lower-case letters a–z, digits, '.', '-' or '_', starting with a letter or digit (got %q)", s)
	}
	return nil
}

// year checks that a year is plausible for a plan (see samverkan.CheckYear).
func year(y int) error { return samverkan.CheckYear(y) }

// positive refuses zero and negative numbers.
func positive(n int) error {
	if n < 1 {
		return fmt.Errorf("must be 1 or more (got %d)", n)
	}
	return nil
}

// nonNegative refuses negative numbers.
func nonNegative(n int) error {
	if n < 0 {
		return fmt.Errorf("must be 0 or more (got %d)", n)
	}
	return nil
}

// webAddress accepts absolute http and https addresses.
func webAddress(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("must be a web address starting with http:// or https:// (got %q)", s)
	}
	return nil
}

// CC0 is the web address of Creative Commons' public domain dedication,
// the licence a plan's open data has unless an admin chooses another.
const CC0 = "https://creativecommons.org/publicdomain/zero/1.0/"

// licenseAddress accepts a licence given as its web address, as DCAT-AP
// names licences: an absolute http or https address without spaces.
func licenseAddress(s string) error {
	if strings.ContainsAny(s, " \t\n\"<>") {
		return fmt.Errorf("must be the licence's web address, e.g. %s (got %q)", CC0, s)
	}
	if err := webAddress(s); err != nil {
		return fmt.Errorf("must be the licence's web address, e.g. %s (got %q)", CC0, s)
	}
	return nil
}

// emailAddress accepts a bare e-mail address, such as
// kultur@regionorebrolan.se (no name, no angle brackets).
func emailAddress(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return fmt.Errorf("must be an e-mail address such as kultur@region.se (got %q)", s)
	}
	return nil
}

// swedishText marks a column as holding Swedish text to be sorted as such.
func swedishText() schema.Annotation {
	return &entsql.Annotation{Collation: swedish.Collation}
}
