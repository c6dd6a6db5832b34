// The API explains refused values in English; the page says it in Swedish.
// Messages it does not know are shown as the server wrote them.

const rules = [
  [/must not be empty/, () => "Får inte vara tomt."],
  [/must be four digits/, () => "Ska vara fyra siffror, t.ex. 1880."],
  [/must be two digits/, () => "Ska vara två siffror, t.ex. 18."],
  [/must not be before the first year \((\d+) is before (\d+)\)/, (m) => `Får inte vara före första året (${m[1]} är före ${m[2]}).`],
  [/must be within the plan's period (\d+)–(\d+)/, (m) => `Ska ligga inom handlingsplanens period ${m[1]}–${m[2]}.`],
  [/must be a year between (\d+) and (\d+)/, (m) => `Ska vara ett årtal mellan ${m[1]} och ${m[2]}.`],
  [/must be 1 or more/, () => "Ska vara 1 eller mer."],
  [/must be 0 or more/, () => "Ska vara 0 eller mer."],
  [/must be a web address/, () => "Ska vara en webbadress som börjar med http:// eller https://."],
  [/another (\w[\w-]*) of the same (\w+) already has this (.+)$/, (m) => `Det finns redan ${sv(m[1])} med samma ${svField(m[3])} i samma ${sv(m[2], true)}.`],
  [/another (\w[\w-]*) already has this (.+)$/, (m) => `Det finns redan ${sv(m[1])} med samma ${svField(m[2])}.`],
  [/no (\w[\w-]*) has the id (\d+)/, (m) => `Det finns ingen sådan ${sv(m[1], true)} (id ${m[2]}).`],
];

const nouns = {
  plan: ["en handlingsplan", "handlingsplan"],
  goal: ["ett utvecklingsmål", "utvecklingsmål"],
  heading: ["en rubrik", "rubrik"],
  activity: ["en aktivitet", "aktivitet"],
  "follow-up": ["en uppföljning", "uppföljning"],
  municipality: ["en kommun", "kommun"],
  institution: ["en aktör", "aktör"],
};

function sv(noun, bare = false) {
  const n = nouns[noun];
  return n ? n[bare ? 1 : 0] : noun;
}

function svField(field) {
  return { code: "kod", number: "nummer", title: "rubrik", name: "namn" }[field.trim()] || field;
}

/** swedish returns the Swedish for a server's message about a field. */
export function swedish(message, field) {
  const text = field && message.startsWith(field + ": ") ? message.slice(field.length + 2) : message;
  for (const [pattern, say] of rules) {
    const m = text.match(pattern);
    if (m) return say(m);
  }
  return text;
}
