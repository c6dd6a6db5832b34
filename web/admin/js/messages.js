// The API explains refused values in English; the page says it in Swedish.
// A message it does not know is replaced by what its code means (see
// byCode), so no English reaches the user.

import { num } from "./dom.js";

const rules = [
  // Restoring and reverting from the audit trail (before "no … has the id", which the first contains).
  [/cannot be restored while its ([\w -]+?) is deleted/, (m) => `Posten hör till ${sv(m[1])} som är borttagen: återställ den först, så kommer det som togs bort med den också tillbaka.`],
  [/was deleted with ([\w -]+?) \d+, which is still deleted/, (m) => `Posten togs bort tillsammans med ${sv(m[1])} som fortfarande är borttagen: återställ den, så kommer den här tillbaka med den.`],
  [/has been restored already/, () => "Posten är redan återställd."],
  [/exists: there is nothing to restore/, () => "Posten finns: det finns inget att återställa."],
  [/was restored and deleted again after entry/, () => "Posten har återställts och tagits bort igen sedan dess: återställ den från den senaste borttagningen."],
  [/is not restored: the audit trail keeps no password or secret/, () => "En borttagen användare eller API-nyckel går inte att återställa: loggen sparar inga lösenord eller nycklar. Skapa den på nytt."],
  [/only a deletion is restored/, () => "Bara en borttagning kan återställas."],
  [/only an update's changes are reverted/, () => "Bara en ändring av fält kan ångras."],
  [/has changed again since entry \d+/, () => "Fältet har ändrats igen efter den här ändringen: ångra den senare ändringen först, eller redigera fältet."],
  [/has been deleted since: restore it first/, () => "Posten har tagits bort sedan dess: återställ den först."],
  [/must not be empty/, () => "Får inte vara tomt."],
  [/must be four digits/, () => "Ska vara fyra siffror, t.ex. 1880."],
  [/must be two digits/, () => "Ska vara två siffror, t.ex. 18."],
  [/must not be before the first year \((\d+) is before (\d+)\)/, (m) => `Får inte vara före första året (${m[1]} är före ${m[2]}).`],
  [/must be within the plan's period (\d+)–(\d+) or the year before or after it/, (m) => `Ska ligga inom handlingsplanens period ${m[1]}–${m[2]}, eller året före eller efter den.`],
  [/must be within the plan's period (\d+)–(\d+)/, (m) => `Ska ligga inom handlingsplanens period ${m[1]}–${m[2]}.`],
  [/must be a year between (\d+) and (\d+)/, (m) => `Ska vara ett årtal mellan ${m[1]} och ${m[2]}.`],
  [/must be 1 or more/, () => "Ska vara 1 eller mer."],
  [/must be 0 or more/, () => "Ska vara 0 eller mer."],
  [/must be a web address/, () => "Ska vara en webbadress som börjar med http:// eller https://."],
  [/another (\w[\w -]*?) of the same (\w[\w -]*?) already has this (.+)$/, (m) => `Det finns redan ${sv(m[1])} med samma ${svField(m[3])} i samma ${sv(m[2], true)}.`],
  [/another (\w[\w -]*?) already has this (.+)$/, (m) => `Det finns redan ${sv(m[1])} med samma ${svField(m[2])}.`],
  [/^(\w[\w-]*) not found$/, (m) => `Det finns ingen sådan ${sv(m[1], true)}: den kan ha tagits bort.`],
  [/^internal error \(request ([^)]+)\)/, (m) => `Något gick fel på servern (förfrågan ${m[1]}). Felet är loggat.`],
  [/^internal error/, () => "Något gick fel på servern. Felet är loggat."],
  [/^the request ran out of time/i, () => byCode.TIMEOUT],
  [/no (\w[\w -]*?) has the id (\d+)/i, (m) => `Det finns ingen sådan ${sv(m[1], true)} (id ${m[2]}).`],
  // The reports' downloads (CSV).
  [/^there is no plan to report on yet/, () => "Det finns ingen handlingsplan att göra en rapport om ännu."],
  [/"(.*)" is not a plan ID/, (m) => `”${m[1]}” är inget id för en handlingsplan.`],
  [/"(.*)" is not a year/, (m) => `”${m[1]}” är inget årtal.`],
  // Who may do what (codes UNAUTHENTICATED, FORBIDDEN, RATE_LIMITED).
  [/^wrong username or password/, () => "Fel användarnamn eller lösenord."],
  [/too many failed sign-ins; try again in (\d+) s/, (m) => `För många misslyckade inloggningar. Försök igen om ${seconds(m[1])}.`],
  [/too many wrong passwords; try again in (\d+) s/, (m) => `För många felaktiga lösenord. Försök igen om ${seconds(m[1])}.`],
  [/too many changes from this client; try again in (\d+) s/, (m) => `För många ändringar på kort tid. Försök igen om ${seconds(m[1])}.`],
  [/^the token is not valid/, () => "Inloggningen gäller inte längre: den har gått ut eller avslutats. Logga in igen."],
  [/^the Authorization header/, () => "Inloggningen gäller inte längre. Logga in igen."],
  [/^sign in to read/, () => "Planen på den här servern är inte offentlig: logga in för att läsa den."],
  [/^sign in to make changes/, () => "Logga in för att göra ändringar."],
  [/^sign in as an admin/, () => "Logga in som administratör för att göra det här."],
  [/^sign in to change your password/, () => "Logga in för att byta lösenord."],
  [/^not signed in/, () => "Du är inte inloggad."],
  [/^only an admin may do this/, () => "Bara en administratör får göra det här."],
  [/^the yearly report is closed/, () => "Årsrapporten är stängd: inget i den ändras förrän en administratör öppnar den igen."],
  [/marks ready only the part of a municipality of its own scope/, () => "En redaktör markerar bara kommunerna i sitt ansvarsområde som klara."],
  [/part of this yearly report is marked ready already/, () => "Kommunens del av årsrapporten är redan markerad som klar."],
  [/yearly report for this year is closed already/, () => "Årsrapporten för det året är redan stängd."],
  [/the yearly report of plan \d+ for \d+ is not closed/, () => "Årsrapporten är inte stängd."],
  [/^the plan is closed/, () => "Handlingsplanen är avslutad: bara en administratör kan ändra den eller något under den."],
  [/the next period must begin after the current one, which ends (\d+)/, (m) => `Nästa period måste börja efter den nuvarande, som slutar ${m[1]}.`],
  [/the plan already has a deadline for this year and period/, () => "Handlingsplanen har redan ett uppföljningstillfälle för det året och den perioden."],
  [/is carried over already/, () => "En av aktiviteterna är redan förd vidare till en senare period."],
  [/is not of the plan \d+/, () => "Bara den här handlingsplanens aktiviteter kan föras vidare."],
  [/^an API token may read but not change/, () => "En API-nyckel får läsa men inte ändra något."],
  [/^your role does not allow this change/, () => "Din roll får inte göra den här ändringen. En redaktör ändrar bara de aktiviteter som kommunerna och aktörerna i redaktörens ansvarsområde deltar i, och deras uppföljningar."],
  [/^an editor may add to or remove from an activity only/, () => "Som redaktör får du lägga till och ta bort bara de kommuner och aktörer som ingår i ditt ansvarsområde."],
  [/^an editor may not remove the last municipality or institution/, () => "Som redaktör får du inte ta bort den sista kommunen eller aktören i ditt ansvarsområde från en aktivitet: då kan du inte längre redigera den. Be en administratör om hjälp."],
  [/^is not your current password/, () => "Det är inte ditt nuvarande lösenord."],
  [/must be at least (\d+) characters/, (m) => `Ska vara minst ${m[1]} tecken.`],
  [/must be at most (\d+) characters long \(got (\d+)\)/, (m) => `Får vara högst ${num(m[1])} tecken (nu ${num(m[2])}).`],
  [/must have at most (\d+) entries \(got (\d+)\)/, (m) => `Får ha högst ${num(m[1])} rader (nu ${num(m[2])}).`],
  [/entry (\d+) must be at most (\d+) characters long/, (m) => `Rad ${m[1]} får vara högst ${num(m[2])} tecken.`],
  [/must be at most (\d+) bytes/, (m) => `Får vara högst ${m[1]} byte.`],
  [/must be 2–64 lower-case letters/, () => "Ska vara 2–64 små bokstäver a–z, siffror, punkt, bindestreck eller understreck, och börja med en bokstav eller siffra."],
  [/^this user is disabled/, () => "Användaren är avstängd och kan inte logga in. En administratör kan aktivera den igen."],
  [/^the token's user is disabled/, () => "Användaren är avstängd. En administratör kan aktivera den igen."],
  [/the user is disabled: enable it before issuing/, () => "Användaren är avstängd: aktivera den innan du skapar en nyckel åt den."],
  [/the last admin must stay enabled/, () => "Den sista administratören kan inte stängas av: gör någon annan till administratör först."],
  [/the last admin must stay an admin/, () => "Den sista administratören måste förbli administratör: gör någon annan till administratör först."],
  [/must be in the future/, () => "Ska vara i framtiden."],
  // Indicators, their targets and values, and goals' assessments.
  [/^an indicator measures a goal, a heading or an activity/, () => "Ett mått mäter ett utvecklingsmål, en rubrik eller en aktivitet: fyll i ett av dem."],
  [/^an indicator measures one goal, heading or activity, not several/, () => "Ett mått mäter ett enda utvecklingsmål, en rubrik eller en aktivitet: töm de andra fälten."],
  [/^a baseline value needs the year/, () => "Ett utgångsvärde behöver året det mättes."],
  [/^a baseline year needs its value/, () => "Ett utgångsår behöver sitt utgångsvärde."],
  [/must be a Kolada key figure id/, () => "Ska vara ett nyckeltals id i Kolada: en stor bokstav och fem siffror, t.ex. N09890."],
  [/^this indicator is measured per municipality/, () => "Måttet mäts per kommun: välj kommunen värdet gäller."],
  [/^this indicator is measured for the whole county/, () => "Måttet mäts för hela länet: lämna kommunen tom."],
  [/^this indicator already has a value for the year, period and municipality/, () => "Måttet har redan ett värde för samma år, period och kommun: ändra det i stället."],
  [/^this indicator already has a value for (.+), (.+): change that one instead/, (m) => `Måttet har redan ett värde för ${m[1]}, ${m[2] === "the county" ? "hela länet" : m[2]}: ändra det i stället.`],
  [/^a value from a follow-up names the follow-up/, () => "Ett värde ur en uppföljning behöver uppföljningen: välj den."],
  [/^a figure of a follow-up has the source FOLLOW_UP, not KOLADA/, () => "En siffra ur en uppföljning har källan uppföljning, inte Kolada."],
  [/^only a figure of a follow-up has the source FOLLOW_UP/, () => "Bara en siffra ur en uppföljning har källan uppföljning, och den behåller den."],
  [/^the follow-up is of an activity of another plan/, () => "Uppföljningen gäller en aktivitet i en annan handlingsplan än måttets."],
  [/^a figure of a follow-up is of the follow-up's year, (\d+)/, (m) => `En siffra ur en uppföljning gäller uppföljningens år, ${m[1]}.`],
  [/^the municipality does not take part in the follow-up's activity/, () => "Kommunen deltar inte i uppföljningens aktivitet."],
  // An import's file (importActivities, code BAD_REQUEST or QUERY_TOO_LARGE on the field "file").
  [/^the file is empty/, () => "Filen är tom."],
  [/^the file is an old Excel workbook/, () => "Filen är i Excels gamla format (.xls): spara den som .xlsx eller CSV och försök igen."],
  [/^the file is neither/, () => "Filen är varken CSV eller en Excel-fil (.xlsx)."],
  [/^line (\d+) is not valid CSV/, (m) => `Rad ${m[1]} i filen är inte giltig CSV (kontrollera citattecknen).`],
  [/^the \.xlsx workbook is damaged/, () => "Excel-filen är skadad och kan inte läsas."],
  [/^the \.xlsx workbook unpacks to more than/, () => "Excel-filen är för stor när den packas upp."],
  [/cell (\w+) of sheet "([^"]*)" holds a formula/, (m) => `Cell ${m[1]} på bladet ”${m[2]}” innehåller en formel. Importen läser bara värden: kopiera cellerna och klistra in dem som värden.`],
  [/^no sheet of the file has a header row/, () => "Filen saknar en rubrikrad med kolumnerna Titel (eller Aktivitet), Mål och Rubrik – eller, för uppföljningar, Aktivitet, Datum och Text."],
  [/has more than (\d+) rows/, (m) => `Filen har fler än ${num(m[1])} rader: dela upp den.`],
  [/has (\d+) columns, more than the (\d+)/, (m) => `En rad har ${num(m[1])} kolumner; importen läser högst ${m[2]}.`],
  [/^(?:sheet "[^"]*": )?a cell in row (\d+) has/, (m) => `En cell på rad ${m[1]} är för stor.`],
  [/^the file's content must be base64/, () => "Filen kunde inte skickas."],
  // Fetching from Kolada (fetchKolada): nothing was changed when it failed.
  [/^this server is not set up to fetch from Kolada/, () => "Servern är inte inställd för att hämta från Kolada. Den som driver servern kan importera värdena från en fil (samverkan kolada import)."],
  [/^Kolada \((.+)\) cannot be reached/, (m) => `Kolada (${m[1]}) går inte att nå. Försök igen senare, eller låt den som driver servern importera värdena från en fil (samverkan kolada import).`],
  [/^Kolada \((.+)\) did not answer within 30 s/, (m) => `Kolada (${m[1]}) svarade inte inom 30 sekunder. Försök igen senare.`],
  [/^Kolada \((.+)\) answered (\d+)/, (m) => `Kolada (${m[1]}) svarade med ett fel (HTTP ${m[2]}). Försök igen senare.`],
  [/^Kolada's (?:answer|next_page)|^a page of Kolada's answer/, () => "Kolada svarade med något annat än sitt format (API v3)."],
  [/^Kolada knows no key figure (\S+)/, (m) => `Kolada känner inte till nyckeltalet ${m[1]}: kontrollera måttets Kolada-nyckeltal.`],
  [/^Kolada has no values of (\S+) for the municipalities of county (\d+) in (\d+)–(\d+)/, (m) => `Kolada har inga värden för ${m[1]} för länets kommuner ${m[3]}–${m[4]}.`],
  [/has no Kolada key figure: set its koladaKpi/, () => "Måttet har inget Kolada-nyckeltal: ange det först."],
  [/^Kolada's values are per municipality/, () => "Kolada har värden per kommun, och måttet gäller hela länet."],
  [/^only an admin may fetch values from Kolada/, () => "Bara administratörer hämtar värden från Kolada."],
  // A storage fault (code UNAVAILABLE): nothing the user can mend.
  [/^the database cannot serve this request now \((.+)\); try again later/, (m) => `Databasen kan inte ta emot det här just nu (${svFault(m[1])}). Försök igen om en stund; kvarstår felet, kontakta den som driver servern.`],
];

function svFault(reason) {
  return {
    "the disk is full": "disken är full",
    "the database is read-only": "databasen är skrivskyddad",
    "the disk reports an I/O error": "disken rapporterar ett läs- eller skrivfel",
    "the database file cannot be opened": "databasfilen går inte att öppna",
    "the database is shutting down or starting up": "databasen startar om",
    "the connection to the database is lost": "kontakten med databasen bröts",
  }[reason] || reason;
}

function seconds(n) {
  return Number(n) === 1 ? "1 sekund" : `${n} sekunder`;
}

// What a client calls a record (samverkan.RecordName), in Swedish: with
// its article, and bare.
const nouns = {
  plan: ["en handlingsplan", "handlingsplan"],
  goal: ["ett utvecklingsmål", "utvecklingsmål"],
  heading: ["en rubrik", "rubrik"],
  activity: ["en aktivitet", "aktivitet"],
  "follow-up": ["en uppföljning", "uppföljning"],
  municipality: ["en kommun", "kommun"],
  institution: ["en aktör", "aktör"],
  user: ["en användare", "användare"],
  indicator: ["ett mått", "mått"],
  "indicator target": ["ett målvärde", "målvärde"],
  "indicator value": ["ett värde", "värde"],
  "goal assessment": ["en bedömning", "bedömning"],
  "municipality group": ["en kommungrupp", "kommungrupp"],
  perspective: ["ett perspektiv", "perspektiv"],
};

function sv(noun, bare = false) {
  const n = nouns[noun];
  return n ? n[bare ? 1 : 0] : noun;
}

function svField(field) {
  return { code: "kod", number: "nummer", title: "titel", name: "namn", username: "användarnamn", year: "år" }[field.trim()] || field;
}

// What each of the API's error codes means (README, "Errors"), said when
// a message has no rule above.
const byCode = {
  VALIDATION: "Ett värde följer inte reglerna.",
  NOT_FOUND: "Det finns inte, eller har tagits bort.",
  CONSTRAINT: "Det finns redan en likadan.",
  CONFLICT: "Någon annan ändrade samma sak samtidigt. Inget sparades: försök igen.",
  UNAUTHENTICATED: "Logga in för att göra det här.",
  FORBIDDEN: "Din roll får inte göra det här.",
  PAGE_SIZE: "Sidan bad om för mycket på en gång.",
  BAD_REQUEST: "Servern förstod inte frågan.",
  GRAPHQL_PARSE_FAILED: "Servern förstod inte frågan. Ladda om sidan och försök igen.",
  GRAPHQL_VALIDATION_FAILED: "Servern förstod inte frågan. Ladda om sidan och försök igen.",
  BODY_TOO_LARGE: "Det som skickades är för stort (högst 1 MiB).",
  QUERY_TOO_COSTLY: "Frågan ber om för mycket på en gång.",
  QUERY_TOO_DEEP: "Frågan ber om för mycket på en gång.",
  QUERY_TOO_LARGE: "Frågan ber om för mycket på en gång.",
  TIMEOUT: "Servern hann inte svara i tid; en ändring sparades inte. Försök igen.",
  RATE_LIMITED: "För många ändringar på kort tid. Försök igen om en stund.",
  UNAVAILABLE: "Databasen kan inte ta emot det här just nu. Försök igen om en stund.",
  INVALID_PAGINATION: "Sidan bad om ett ogiltigt antal rader.",
  PERSISTED_QUERY_NOT_FOUND: "Servern kände inte igen frågan. Ladda om sidan och försök igen.",
  UPSTREAM: "En tjänst som servern hämtar från svarade inte som väntat. Inget ändrades.",
  INTERNAL: "Något gick fel på servern.",
};

/**
 * swedish returns the Swedish for a server's message about a field. A
 * message no rule knows becomes what its code means; without a code (the
 * page's own messages, already Swedish) it is kept.
 */
export function swedish(message, field, code = "") {
  const text = field && message.startsWith(field + ": ") ? message.slice(field.length + 2) : message;
  for (const [pattern, say] of rules) {
    const m = text.match(pattern);
    if (m) return say(m);
  }
  if (code) return byCode[code] || "Servern svarade med ett fel.";
  return text;
}
