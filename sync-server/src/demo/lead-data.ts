/*
 * Reference data for demo leads: per country, where people are (region, IANA time zone, and
 * phone number patterns of that area, so a lead's phone, country and time zone agree), their
 * names, free-mail providers and company conventions. Phone patterns are national formats as
 * people type them: `#` is any digit, `N` is 2-9. A unit test checks every pattern yields numbers
 * libphonenumber accepts as valid for the country (some ranges are not: UK drama numbers
 * 07700 900xxx, Perth's 08 91xx which is the Cocos Islands, and others were left out for that).
 */

/** `list('Ann, James')` -> ['Ann', 'James']: long word lists stay compact and readable. */
function list(text: string): readonly string[] {
  return text.split(',').map((item) => item.trim());
}

export interface Area {
  readonly region: string;
  readonly timezone: string;
  /** Landline patterns for the area. */
  readonly phones: readonly string[];
}

export interface CountryProfile {
  readonly code: string;
  /** Relative share of leads. */
  readonly weight: number;
  readonly callingCode: string;
  /** The national trunk prefix dropped in international format ('0' in the UK), if any. */
  readonly trunkPrefix: string;
  readonly areas: readonly Area[];
  readonly mobiles: readonly string[];
  readonly firstNames: readonly string[];
  readonly lastNames: readonly string[];
  readonly freeMail: readonly string[];
  readonly companySuffixes: readonly string[];
  readonly domainSuffixes: readonly string[];
}

const ENGLISH_FIRST = list(
  'Ann, James, Olivia, Liam, Emma, Noah, Sophia, Mason, Ava, Ethan, Isabella, Lucas, Mia, ' +
    'Logan, Charlotte, Aiden, Amelia, Jackson, Harper, Daniel, Priya, Wei, Carlos, Fatima, Omar, ' +
    'Grace, Hannah, Ryan, Chloe, Jack, Oliver, Sarah, David, Emily, Michael, Jessica, Thomas, ' +
    'Rachel, Kevin, Megan, Aisha, Jamal, Mei, Raj, Dana, Marcus',
);
const ENGLISH_LAST = list(
  'Smith, Johnson, Lee, Brown, Garcia, Miller, Davis, Wilson, Anderson, Taylor, Thomas, Moore, ' +
    'Martin, Jackson, Thompson, White, Harris, Clark, Lewis, Walker, Young, Allen, King, Wright, ' +
    "Scott, Patel, Nguyen, Chen, Kim, Singh, Murphy, O'Brien, Campbell, Stewart, Evans, Roberts, " +
    'Hughes, Wood, Kelly, Ward, Reed',
);
const NORTH_AMERICAN_MAIL = list(
  'gmail.com, outlook.com, yahoo.com, icloud.com, hotmail.com, aol.com',
);

export const COUNTRIES: readonly CountryProfile[] = [
  {
    code: 'US',
    weight: 40,
    callingCode: '1',
    trunkPrefix: '',
    areas: [
      { region: 'NY', timezone: 'America/New_York', phones: ['(212) N##-####', '718-N##-####'] },
      { region: 'MA', timezone: 'America/New_York', phones: ['(617) N##-####', '857-N##-####'] },
      { region: 'GA', timezone: 'America/New_York', phones: ['(404) N##-####', '678.N##.####'] },
      { region: 'IL', timezone: 'America/Chicago', phones: ['(312) N##-####', '773-N##-####'] },
      { region: 'TX', timezone: 'America/Chicago', phones: ['(512) N##-####', '713-N##-####'] },
      { region: 'CO', timezone: 'America/Denver', phones: ['(303) N##-####', '720-N##-####'] },
      { region: 'CA', timezone: 'America/Los_Angeles', phones: ['(415) N##-####', '408-N##-####'] },
      { region: 'WA', timezone: 'America/Los_Angeles', phones: ['(206) N##-####', '425-N##-####'] },
    ],
    mobiles: [],
    firstNames: ENGLISH_FIRST,
    lastNames: ENGLISH_LAST,
    freeMail: NORTH_AMERICAN_MAIL,
    companySuffixes: ['Inc.', 'LLC', 'Corp.', '', ''],
    domainSuffixes: ['.com', '.com', '.io', '.co'],
  },
  {
    code: 'GB',
    weight: 14,
    callingCode: '44',
    trunkPrefix: '0',
    areas: [
      {
        region: 'Greater London',
        timezone: 'Europe/London',
        phones: ['020 7### ####', '020 3### ####'],
      },
      { region: 'Greater Manchester', timezone: 'Europe/London', phones: ['0161 N## ####'] },
      { region: 'Scotland', timezone: 'Europe/London', phones: ['0131 2## ####', '0141 N## ####'] },
      {
        region: 'West Midlands',
        timezone: 'Europe/London',
        phones: ['0121 2## ####', '0121 4## ####'],
      },
    ],
    mobiles: ['07400 ######', '07712 ######', '07812 ######', '07900 ######'],
    firstNames: ENGLISH_FIRST,
    lastNames: ENGLISH_LAST,
    freeMail: list('gmail.com, outlook.com, hotmail.com, yahoo.com, icloud.com'),
    companySuffixes: ['Ltd', 'Ltd', 'plc', ''],
    domainSuffixes: ['.co.uk', '.co.uk', '.com', '.io'],
  },
  {
    code: 'DE',
    weight: 10,
    callingCode: '49',
    trunkPrefix: '0',
    areas: [
      { region: 'Berlin', timezone: 'Europe/Berlin', phones: ['030 N#######', '030 N### ####'] },
      { region: 'Bayern', timezone: 'Europe/Berlin', phones: ['089 N#######', '089 N### ####'] },
      { region: 'Hamburg', timezone: 'Europe/Berlin', phones: ['040 N#######'] },
      { region: 'Nordrhein-Westfalen', timezone: 'Europe/Berlin', phones: ['0221 N######'] },
    ],
    mobiles: ['0151 N#######', '0160 N######', '0170 N#######', '0176 N#######'],
    firstNames: list(
      'Lukas, Anna, Jonas, Lena, Felix, Laura, Maximilian, Julia, Leon, Sarah, Paul, Katharina, ' +
        'Finn, Sophie, Tobias, Miriam, Jan, Hannah, Matthias, Sabine, Jörg, Özlem',
    ),
    lastNames: list(
      'Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann, Koch, ' +
        'Richter, Klein, Wolf, Schröder, Neumann, Braun, Zimmermann, Krüger, Hartmann, Yılmaz',
    ),
    freeMail: list('gmx.de, web.de, gmail.com, gmx.net, outlook.com'),
    companySuffixes: ['GmbH', 'GmbH', 'AG', 'SE'],
    domainSuffixes: ['.de', '.de', '.com', '.io'],
  },
  {
    code: 'FR',
    weight: 7,
    callingCode: '33',
    trunkPrefix: '0',
    areas: [
      { region: 'Île-de-France', timezone: 'Europe/Paris', phones: ['01 ## ## ## ##'] },
      { region: 'Auvergne-Rhône-Alpes', timezone: 'Europe/Paris', phones: ['04 7# ## ## ##'] },
      { region: 'Occitanie', timezone: 'Europe/Paris', phones: ['05 6# ## ## ##'] },
      { region: 'Hauts-de-France', timezone: 'Europe/Paris', phones: ['03 2# ## ## ##'] },
    ],
    mobiles: ['06 ## ## ## ##', '07 5# ## ## ##'],
    firstNames: list(
      'Camille, Louis, Léa, Hugo, Chloé, Gabriel, Manon, Arthur, Inès, Jules, Sarah, Lucas, ' +
        'Julie, Antoine, Claire, Nicolas, Élodie, Mathieu, Pauline, Thomas',
    ),
    lastNames: list(
      'Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Simon, ' +
        'Laurent, Lefèvre, Michel, Garcia, David, Bertrand, Roux, Vincent, Fournier',
    ),
    freeMail: list('gmail.com, hotmail.com, outlook.com, yahoo.com'),
    companySuffixes: ['SAS', 'SAS', 'SA', 'SARL'],
    domainSuffixes: ['.fr', '.fr', '.com', '.io'],
  },
  {
    code: 'CA',
    weight: 8,
    callingCode: '1',
    trunkPrefix: '',
    areas: [
      { region: 'ON', timezone: 'America/Toronto', phones: ['(416) N##-####', '647-N##-####'] },
      { region: 'QC', timezone: 'America/Toronto', phones: ['(514) N##-####', '438-N##-####'] },
      { region: 'BC', timezone: 'America/Vancouver', phones: ['(604) N##-####', '778-N##-####'] },
      { region: 'AB', timezone: 'America/Edmonton', phones: ['(403) N##-####', '587-N##-####'] },
    ],
    mobiles: [],
    firstNames: [...ENGLISH_FIRST, ...list('Mathieu, Sophie, Étienne, Chloé')],
    lastNames: [...ENGLISH_LAST, ...list('Tremblay, Gagnon, Roy, Côté, Bouchard')],
    freeMail: NORTH_AMERICAN_MAIL,
    companySuffixes: ['Inc.', 'Ltd.', 'Corp.', ''],
    domainSuffixes: ['.ca', '.ca', '.com', '.io'],
  },
  {
    code: 'AU',
    weight: 8,
    callingCode: '61',
    trunkPrefix: '0',
    areas: [
      { region: 'NSW', timezone: 'Australia/Sydney', phones: ['(02) 9### ####', '02 8### ####'] },
      {
        region: 'VIC',
        timezone: 'Australia/Melbourne',
        phones: ['(03) 9### ####', '03 8### ####'],
      },
      { region: 'QLD', timezone: 'Australia/Brisbane', phones: ['(07) 3### ####'] },
      { region: 'WA', timezone: 'Australia/Perth', phones: ['(08) 92## ####', '(08) 64## ####'] },
    ],
    mobiles: ['040# ### ###', '041# ### ###', '042# ### ###', '043# ### ###'],
    firstNames: [...ENGLISH_FIRST, ...list('Lachlan, Matilda, Cooper, Isla')],
    lastNames: [...ENGLISH_LAST, ...list('Jones, Williams, Ryan, Tran')],
    freeMail: list('gmail.com, outlook.com, hotmail.com, yahoo.com, icloud.com'),
    companySuffixes: ['Pty Ltd', 'Pty Ltd', ''],
    domainSuffixes: ['.com.au', '.com.au', '.com', '.io'],
  },
  {
    code: 'NL',
    weight: 6,
    callingCode: '31',
    trunkPrefix: '0',
    areas: [
      {
        region: 'Noord-Holland',
        timezone: 'Europe/Amsterdam',
        phones: ['020 N## ####', '020-N######'],
      },
      {
        region: 'Zuid-Holland',
        timezone: 'Europe/Amsterdam',
        phones: ['010 N## ####', '070 N## ####'],
      },
      { region: 'Utrecht', timezone: 'Europe/Amsterdam', phones: ['030 N## ####'] },
      { region: 'Noord-Brabant', timezone: 'Europe/Amsterdam', phones: ['040 N## ####'] },
    ],
    mobiles: ['06 N#######', '06-N#######'],
    firstNames: list(
      'Daan, Emma, Sem, Julia, Lucas, Sophie, Levi, Tess, Finn, Anna, Thijs, Lotte, Bram, Fleur, ' +
        'Jesse, Sanne, Ruben, Eva, Niels, Femke',
    ),
    lastNames: list(
      'de Jong, Jansen, de Vries, van den Berg, van Dijk, Bakker, Janssen, Visser, Smit, Meijer, ' +
        'de Boer, Mulder, de Groot, Bos, Vos, Peters, Hendriks, van Leeuwen, Dekker',
    ),
    freeMail: list('gmail.com, outlook.com, hotmail.com, live.com'),
    companySuffixes: ['B.V.', 'B.V.', 'N.V.'],
    domainSuffixes: ['.nl', '.nl', '.com', '.io'],
  },
  {
    code: 'ES',
    weight: 7,
    callingCode: '34',
    trunkPrefix: '',
    areas: [
      { region: 'Madrid', timezone: 'Europe/Madrid', phones: ['91 N## ## ##', '91N ### ###'] },
      { region: 'Cataluña', timezone: 'Europe/Madrid', phones: ['93 N## ## ##'] },
      { region: 'Comunidad Valenciana', timezone: 'Europe/Madrid', phones: ['96 N## ## ##'] },
      { region: 'Andalucía', timezone: 'Europe/Madrid', phones: ['95 N## ## ##'] },
    ],
    mobiles: ['6## ### ###', '6## ## ## ##'],
    firstNames: list(
      'Lucía, Hugo, Martina, Mateo, María, Pablo, Sofía, Daniel, Paula, Alejandro, Julia, Álvaro, ' +
        'Carmen, Javier, Elena, Sergio, Laura, Diego, Marta, Adrián',
    ),
    lastNames: list(
      'García, Fernández, González, Rodríguez, López, Martínez, Sánchez, Pérez, Gómez, Martín, ' +
        'Jiménez, Ruiz, Hernández, Díaz, Moreno, Muñoz, Álvarez, Romero, Navarro',
    ),
    freeMail: list('gmail.com, hotmail.com, outlook.com, yahoo.com'),
    companySuffixes: ['S.L.', 'S.L.', 'S.A.'],
    domainSuffixes: ['.es', '.es', '.com', '.io'],
  },
];

/** Two-part company names ("Bluefin Analytics"), the usual shape of a B2B buyer's company. */
export const COMPANY_WORDS = list(
  'Acme, Northwind, Bluefin, Brightpath, Cobalt, Evergreen, Helix, Ironclad, Keystone, Lumen, ' +
    'Meridian, Nimbus, Orbit, Pinnacle, Quantum, Redwood, Summit, Tidewater, Vertex, Wavelength, ' +
    'Zephyr, Harbor, Granite, Silverline, Copperleaf, Atlas, Beacon, Crescent, Falcon, Juniper, ' +
    'Globex, Initech, Kestrel, Larkspur, Mosaic, Sable',
);
export const COMPANY_NOUNS = list(
  'Logistics, Analytics, Health, Software, Robotics, Foods, Energy, Labs, Systems, Partners, ' +
    'Capital, Media, Security, Solutions, Manufacturing, Insurance, Cloud, Dental, Realty, ' +
    'Learning, Freight, Biotech, Payments, Hospitality',
);

/**
 * Job titles by seniority. The scoring rules match title keywords (CEO, VP, Director, Manager,
 * Intern...), so the seniority mix of the demo shows up in scores as it would in real traffic.
 * Separated by `;` because one title has a comma.
 */
export const TITLES = {
  executive: titles(
    'CEO; Founder; Co-founder & CEO; CTO; COO; Chief Revenue Officer; Owner; President',
  ),
  vp: titles('VP of Sales; VP Marketing; Head of Growth; Head of Operations; SVP Customer Success'),
  director: titles('Director of Sales; Marketing Director; Director of IT; Finance Director'),
  manager: titles(
    'Sales Manager; Marketing Manager; Operations Manager; IT Manager; Team Lead, SDR; ' +
      'Customer Success Manager; Procurement Manager',
  ),
  individual: titles(
    'Account Executive; Marketing Specialist; Software Engineer; Business Analyst; ' +
      'Office Administrator; Consultant; Data Analyst; Buyer',
  ),
  junior: titles('Marketing Intern; Student; Sales Intern'),
} as const;
export type Seniority = keyof typeof TITLES;

function titles(text: string): readonly string[] {
  return text.split(';').map((item) => item.trim());
}

/** Webinars a `webinar_list` import came from. */
export const WEBINARS = [
  'Speed to lead: the first five minutes',
  'Fair routing for inside-sales teams',
  'Building an SDR team from zero',
  'Pipeline reviews that work',
];

/**
 * Inquiry texts; `{n}` becomes a team size. A few are short on purpose: real forms get
 * "call me" as often as a paragraph, and the scorer only credits messages of 20+ characters.
 */
export const MESSAGES: Readonly<Record<'demo' | 'trial' | 'contact', readonly string[]>> = {
  demo: [
    'We have {n} SDRs and our response times are slipping. Could we see a demo this week?',
    'Comparing a few lead routing tools. Do you support weighted distribution across reps?',
    'Our inbound leads sit for hours before anyone calls. Keen to see how this works.',
    'Would like a walkthrough for our sales leadership, ideally Thursday afternoon.',
    'Demo please',
  ],
  trial: [
    'Starting a trial for our inside sales team ({n} reps). Do you integrate with HubSpot?',
    'Trying this out for {n} seats, can someone help with the setup?',
    'Does the trial include the desktop app for the whole team?',
  ],
  contact: [
    'Need a quote for {n} users, ideally starting next month.',
    'Can someone call me back about onboarding? Mornings are best.',
    'Quick question about where the data is hosted and whether you sign a DPA.',
    'Looking to replace our current round-robin setup. What does pricing look like for {n} seats?',
    'Call me back pls',
    'Please send more information.',
  ],
};
