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
