// Swedish words for the API's enums and types: the region's staff read
// Swedish, the API speaks English.

export const statusLabels = {
  PLANNED: "Planerad",
  ONGOING: "Pågående",
  DONE: "Genomförd",
  CANCELLED: "Inställd",
};

// The statuses as a count says them: "1 planerad", "4 planerade".
const statusPlurals = {
  PLANNED: ["planerad", "planerade"],
  ONGOING: ["pågående", "pågående"],
  DONE: ["genomförd", "genomförda"],
  CANCELLED: ["inställd", "inställda"],
};

/** statusCount says how many activities have a status: statusCount(4, "PLANNED") is "4 planerade". */
export function statusCount(n, status) {
  const [one, many] = statusPlurals[status];
  return `${new Intl.NumberFormat("sv-SE").format(n)} ${n === 1 ? one : many}`;
}

export const kindLabels = {
  MUSEUM: "Museum",
  THEATRE: "Teater",
  MUSIC: "Musik",
  LIBRARY: "Bibliotek",
  SCHOOL_OF_ARTS: "Kulturskola",
  NETWORK: "Nätverk",
  ARCHIVE: "Arkiv",
  VENUE: "Kulturhus och scen",
  OTHER: "Övrigt",
};

export const assessmentLabels = {
  GREEN: "Grön – enligt plan",
  YELLOW: "Gul – risk för avvikelse",
  RED: "Röd – avviker",
};

export const periodLabels = {
  YEAR: "Helår",
  FIRST_HALF: "Halvår 1",
  SECOND_HALF: "Halvår 2",
  FIRST_TERTIAL: "Tertial 1",
  SECOND_TERTIAL: "Tertial 2",
  THIRD_TERTIAL: "Tertial 3",
};

// A plan's state: a closed plan is changed by admins only.
export const planStateLabels = {
  DRAFT: "Utkast",
  ADOPTED: "Antagen",
  CLOSED: "Avslutad",
};

// The licences an admin most often gives a plan's open data, by their web
// address (Plan.dataLicense); any other address is shown as it is.
export const CC0 = "https://creativecommons.org/publicdomain/zero/1.0/";
export const licenseLabels = {
  [CC0]: "CC0 1.0 – fri från upphovsrätt",
  "https://creativecommons.org/licenses/by/4.0/": "CC BY 4.0 – ange källan",
};

// The tables of a plan's open data (the server's package opendata), in its
// order, with their names in the page.
export const openDataTables = [
  ["goals", "Utvecklingsmål"],
  ["headings", "Rubriker"],
  ["activities", "Aktiviteter"],
  ["participation", "Deltagande kommuner och aktörer"],
  ["indicators", "Indikatorer"],
  ["indicator-targets", "Indikatorernas målvärden"],
  ["indicator-values", "Indikatorernas utfall"],
];

export const roleLabels = {
  ADMIN: "Administratör",
  EDITOR: "Redaktör",
  VIEWER: "Läsare",
};

/** goalName is how a goal is named in the page: "Mål 1 – Barn och unga". */
export function goalName(g) {
  if (!g) return "";
  // The plan writes some goals' names in lower case ("hela länet"); after
  // the dash the page writes each with a capital, as the others.
  const name = (g.title || g.area || "").trim();
  return name ? `Mål ${g.number} – ${name[0].toLocaleUpperCase("sv-SE")}${name.slice(1)}` : `Mål ${g.number}`;
}

// Indicators (mått), their values and the goals' yearly assessments.

export const directionLabels = {
  HIGHER_IS_BETTER: "Högre är bättre",
  LOWER_IS_BETTER: "Lägre är bättre",
};

export const scopeLabels = {
  MUNICIPALITY: "Per kommun",
  COUNTY: "Hela länet",
};

export const aggregationLabels = {
  SUM: "Summa av kommunernas värden",
  MEAN: "Medelvärde av kommunernas värden",
};

export const valuePeriodLabels = {
  T1: "Tertial 1",
  T2: "Tertial 2",
  T3: "Tertial 3",
  H1: "Halvår 1",
  H2: "Halvår 2",
};

export const sourceLabels = {
  OWN: "Egen uppföljning",
  KOLADA: "Kolada",
  FOLLOW_UP: "Siffra ur en uppföljning",
};

// A light as a short word, for badges and tables: "Grön".
export const lightWords = { GREEN: "Grön", YELLOW: "Gul", RED: "Röd" };

/** indicatorOwner names what an indicator measures: its goal, heading or activity. */
export function indicatorOwner(i) {
  if (i.goal) return goalName(i.goal);
  if (i.objective) return `Rubrik: ${i.objective.title}`;
  if (i.activity) return `Aktivitet: ${i.activity.title}`;
  return "";
}

/** goalOfIndicator is the goal an indicator belongs to, through its heading or activity if need be. */
export function goalOfIndicator(i) {
  return i.goal || i.objective?.goal || i.activity?.objective?.goal || null;
}
