package swedish_test

import (
	"slices"
	"testing"

	"github.com/samverkan/samverkan/swedish"
)

func TestCompareSortsTheSwedishWay(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []string
		want []string
	}{
		{
			name: "ÅÄÖAfterZInThatOrder",
			in:   []string{"Örebro", "Älmhult", "Zinkgruvan", "Åmål", "Askersund"},
			want: []string{"Askersund", "Zinkgruvan", "Åmål", "Älmhult", "Örebro"},
		},
		{
			name: "CaseDoesNotDecide",
			in:   []string{"b", "A", "a", "B", "ö", "Å"},
			want: []string{"a", "A", "b", "B", "Å", "ö"},
		},
		{
			name: "ÉSortsWithE",
			in:   []string{"Eskilstuna", "Fagersta", "Édeby", "Ekerö"},
			want: []string{"Édeby", "Ekerö", "Eskilstuna", "Fagersta"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := swedish.NewCollator()
			got := slices.Clone(tc.in)
			slices.SortFunc(got, c.Compare)
			if !slices.Equal(got, tc.want) {
				t.Errorf("sorted = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCompareIsATotalOrder(t *testing.T) {
	c := swedish.NewCollator()
	// The collation treats these as equal; Compare must not, or two rows
	// with different titles would be one cursor position.
	a, b := "Örebro", "O\u0308rebro"
	if c.Compare(a, b) == 0 {
		t.Fatalf("Compare(%q, %q) = 0, want a strict order", a, b)
	}
	if c.Compare(a, b) != -c.Compare(b, a) {
		t.Errorf("Compare is not antisymmetric for %q and %q", a, b)
	}
}

func TestLowerFoldsSwedishLetters(t *testing.T) {
	for in, want := range map[string]string{
		"ÖREBRO":    "örebro",
		"Hällefors": "hällefors",
		"ÅMÅL":      "åmål",
		"ÉDEBY":     "édeby",
	} {
		if got := swedish.Lower(in); got != want {
			t.Errorf("Lower(%q) = %q, want %q", in, got, want)
		}
	}
}
