package importer

import (
	"errors"
	"regexp"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/ent"
)

// explain says, in Swedish, why the schema refused a row: a rule's
// refusal (a hook's or a policy's *samverkan.Error, a field's validator)
// or a duplicate. ok is false for any other error, which is no fault of
// the row (a full disk, a lost connection, the deadline) and ends the
// import.
func explain(err error) (code samverkan.Code, field, reason string, ok bool) {
	var (
		se *samverkan.Error
		ve *ent.ValidationError
		ce *ent.ConstraintError
		nf *ent.NotFoundError
	)
	switch {
	case errors.As(err, &se):
		switch se.Code {
		case samverkan.CodeValidation, samverkan.CodeNotFound, samverkan.CodeConstraint,
			samverkan.CodeConflict, samverkan.CodeForbidden, samverkan.CodeUnauthenticated:
			return se.Code, se.Field, inSwedish(se.Field, se.Message, se.Code), true
		}
		return "", "", "", false
	case errors.As(err, &ve):
		field := samverkan.GraphQLName(ve.Name)
		msg := "is not valid"
		for inner := errors.Unwrap(ve); inner != nil; inner = errors.Unwrap(inner) {
			msg = inner.Error()
		}
		return samverkan.CodeValidation, field, inSwedish(field, msg, samverkan.CodeValidation), true
	case errors.As(err, &ce):
		return samverkan.CodeConstraint, "", "Det finns redan en likadan (samma titel under samma mål, eller samma uppgift två gånger).", true
	case errors.As(err, &nf):
		return samverkan.CodeNotFound, "", "Det som raden hänvisar till finns inte längre: det kan ha tagits bort under importen.", true
	}
	return "", "", "", false
}

// columnOf is the column of the import's files an input field is read
// from.
var columnOf = map[string]string{
	"title": "Titel", "status": "Status", "firstYear": "Prioriterad från år", "lastYear": "Prioriterad till år",
	"lead": "Ansvarig", "description": "Beskrivning", "startDate": "Startdatum", "endDate": "Slutdatum",
	"nextReview": "Avstämningsdatum", "objectiveID": "Rubrik", "addMunicipalityIDs": "Kommuner",
	"removeMunicipalityIDs": "Kommuner", "addInstitutionIDs": "Aktörer", "removeInstitutionIDs": "Aktörer",
	"date": "Datum", "text": "Text", "author": "Skriven av", "period": "Period", "assessment": "Bedömning",
	"activityID": "Aktivitet",
}

// rules put the schema's messages in Swedish, as the admin page does
// (web/admin/js/messages.js).
var rules = []struct {
	re  *regexp.Regexp
	say func(m []string) string
}{
	{regexp.MustCompile(`must not be empty`), func([]string) string { return "Får inte vara tomt." }},
	{regexp.MustCompile(`must not be before the first year \((\d+) is before (\d+)\)`), func(m []string) string {
		return "Får inte vara före första året (" + m[1] + " är före " + m[2] + ")."
	}},
	{regexp.MustCompile(`must not be before the start date \((\S+) is before (\S+)\)`), func(m []string) string {
		return "Får inte vara före startdatumet (" + m[1] + " är före " + m[2] + ")."
	}},
	{regexp.MustCompile(`must be within the plan's period (\d+)–(\d+)`), func(m []string) string {
		return "Ska ligga inom handlingsplanens period " + m[1] + "–" + m[2] + "."
	}},
	{regexp.MustCompile(`must be a year between (\d+) and (\d+)`), func(m []string) string {
		return "Ska vara ett årtal mellan " + m[1] + " och " + m[2] + "."
	}},
	{regexp.MustCompile(`must be at most (\d+) characters long \(got (\d+)\)`), func(m []string) string {
		return "Får vara högst " + m[1] + " tecken (nu " + m[2] + ")."
	}},
	{regexp.MustCompile(`^sign in to make changes`), func([]string) string { return "Logga in för att göra ändringar." }},
	{regexp.MustCompile(`^only an admin may do this`), func([]string) string {
		return "Ingen behörighet: bara en administratör får göra det här (skapa aktiviteter och rubriker)."
	}},
	{regexp.MustCompile(`^an API token may read but not change`), func([]string) string {
		return "Ingen behörighet: en API-nyckel får läsa men inte ändra något."
	}},
	{regexp.MustCompile(`^your role does not allow this change`), func([]string) string {
		return "Ingen behörighet: en redaktör ändrar bara de aktiviteter som kommunerna och aktörerna i redaktörens ansvarsområde deltar i, och deras uppföljningar."
	}},
	{regexp.MustCompile(`^an editor may add to or remove from an activity only`), func([]string) string {
		return "Ingen behörighet: som redaktör får du lägga till och ta bort bara de kommuner och aktörer som ingår i ditt ansvarsområde."
	}},
	{regexp.MustCompile(`^an editor may not remove the last municipality or institution`), func([]string) string {
		return "Ingen behörighet: som redaktör får du inte ta bort den sista kommunen eller aktören i ditt ansvarsområde från en aktivitet."
	}},
	{regexp.MustCompile(`^someone else changed this`), func([]string) string {
		return "Någon annan ändrade samma sak under importen: importera filen igen."
	}},
}

// byCode is what a code means, for a message no rule knows.
var byCode = map[samverkan.Code]string{
	samverkan.CodeValidation:      "Ett värde följer inte reglerna.",
	samverkan.CodeNotFound:        "Det finns inte, eller har tagits bort.",
	samverkan.CodeConstraint:      "Det finns redan en likadan.",
	samverkan.CodeConflict:        "Någon annan ändrade samma sak under importen: importera filen igen.",
	samverkan.CodeForbidden:       "Ingen behörighet: din roll får inte göra den här ändringen.",
	samverkan.CodeUnauthenticated: "Logga in för att göra ändringar.",
}

// inSwedish says a refusal of the field in Swedish, naming the column.
func inSwedish(field, message string, code samverkan.Code) string {
	text := message
	if field != "" && len(message) > len(field)+2 && message[:len(field)+2] == field+": " {
		text = message[len(field)+2:]
	}
	say := byCode[code]
	for _, r := range rules {
		if m := r.re.FindStringSubmatch(text); m != nil {
			say = r.say(m)
			break
		}
	}
	if col, ok := columnOf[field]; ok {
		return col + ": " + say
	}
	return say
}
