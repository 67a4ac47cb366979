"""General word lists the entity rules use: titles, organisation and place words, verbs.

Ordinary English knowledge only (no names of particular people or groups).
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """The set of whitespace-separated words in `text`."""
    return frozenset(text.split())


_words = words


TITLES = _words(
    """President Vice Prime Minister Ministers Secretary Chancellor King Queen Prince Princess
    Sheikh Emir Sultan Governor Gov Mayor Senator Sen Rep Representative Congressman
    Congresswoman Ambassador General Gen Lieutenant Lt Colonel Col Major Maj Captain Capt
    Commander Cmdr Cdr Admiral Adm Sergeant Sgt Staff Spc Specialist Private Pvt Pfc Corporal
    Cpl Officer Petty Chief Master Class Brig Brigadier Marshal Field Dr Doctor Mr Mrs Ms Miss
    Judge Pope Cardinal Archbishop Bishop Rev Reverend Imam Ayatollah Mullah Cleric Chairman
    Chairwoman Chairperson Director Spokesman Spokeswoman Spokesperson Deputy Foreign Defence
    Defense Interior Finance Justice Health Home Attorney Lady Crown Premier Speaker
    Commissioner Envoy Ensign Airman Seaman Warrant Sir Dame Lord Lance Professor Prof
    Superintendent Inspector Detective Constable Sheriff Lt.Col Lt.Gen Maj.Gen Brig.Gen
    Msgt Ssgt Tsgt Sfc Ssg Ltc Cpt Command Senior Technical Executive Managing Acting
    Foreign-Minister Supreme Leader Councillor Councilor Counselor Consul Delegate
    Minister-President
    Secretary-General Director-General Lieutenant-General Major-General Brigadier-General
    Rear Sub-Lieutenant Commodore Midshipman Gunnery First State Administrator Adjutant
    Undersecretary Under-Secretary Assistant Ombudsman Attorney-General Prosecutor Treasurer
    Dean Rector Provost Secretary-of-State Emir Crown-Prince Grand Ayatollah Patriarch"""
)
"""Words of titles and ranks; stripped from the front of a person's name."""

TITLE_MODIFIERS = _words(
    """Foreign Defence Defense Interior Finance Health Home Trade Deputy Vice Acting
    Senior Chief Executive Managing Supreme Crown First Prime Grand"""
)
"""Words that are titles only before another title: `Finance Minister`, not `Finance Bill`."""

SERVICES = _words("Navy Army Air Force Marine Marines Corps Coast Guard National Space")
"""Service words that may stand before a rank (`Air Force Col.`)."""

ORG_SUFFIXES = _words(
    """Army Party Front Ministry Council Forces Force Agency Commission Command Department Group
    Brigade Brigades Battalion Regiment Division Unit Squadron Wing Company Corps Navy Marines
    Police Guard Guards Union Organization Organisation Association Institute Institution
    Center Centre Foundation Committee Bank University College School Court Parliament Assembly
    Congress Senate Government Administration Office Bureau Service Services Network Alliance
    Coalition League Movement Fleet Exchange Inc Corp Ltd Co LLC PLC Society Federation Trust
    Fund Programme Authority Secretariat Cabinet Embassy Consulate Militia Militias Taskforce
    Troops Team Council Camp Caucus Tribunal Commissions Board Chamber Industries Airlines
    Airways Railways Television Radio Times Post Journal Herald Tribune Press News Agency
    Gendarmerie Constabulary Establishment Watch International Mission Cartel Syndicate
    Directorate Headquarters Staff Patrol Squad Legion Regiments Units Battalions Divisions
    Brotherhood Party's Workers Council's Partnership Consortium Observatory Initiative
    Program Project Monitor Club Federation Conference Police Nations Cross Crescent
    Ministries Institutes Foundation Charity Trust Partners Holdings Group's Agency's"""
)
"""Last words of organisation names (`Falcon Forces`, `Harbour Party`)."""

GROUP_SUFFIXES = _words("Front Movement Militia Militias Brigades Brotherhood Forces Army")
GROUP_PREFIXES = _words(
    """Jaish Jabhat Harakat Hizb Hezbollah Ansar Liwa Kataib Kata'ib Tehrik Lashkar Jamaat
    Jemaah Ahrar Faylaq Saraya Asaib Asa'ib"""
)
"""Opening words of armed groups' names (Arabic, Urdu): `Jaish al-Waqt`."""

ORG_PREFIXES = _words(
    "USS USNS HMS HMCS HMAS HMNZS INS ROKS Task Team Company Joint Combined Special"
)

LANDFORMS = _words(
    """hill hills hilltop hilltops heights ridge ridges plateau plateaus highlands uplands
    foothills slopes mountain mountains peak peaks summit valley valleys plain plains marsh
    marshes marshlands wetlands swamp swamps dunes oasis canyon gorge cliffs escarpment
    lowlands steppe steppes basin headland cape peninsula moor moors glen pass"""
)
"""Common words for landforms, after a name (`Karzana hills`, `Golan Heights`)."""

SITE_SUFFIXES = _words(
    """Airport Airfield Base Palace Shipyard Plant Station Facility Hospital Square Bridge Dam
    Stadium Mosque Church Cathedral Temple Prison Camp Port Harbor Harbour Hills
    Hill Mountain Mountains Mount Pass Crossing Checkpoint Refinery Mine Field Fields Reactor
    Compound Building Tower Hotel Embassy Market Museum Park Lake River Valley Canal Gulf Bay
    Sea Strait Desert Forest Beach House Street Avenue Road Highway Square Plaza Airbase
    Barracks Garrison Outpost Memorial Cemetery Zoo Mall"""
) | frozenset(w.capitalize() for w in LANDFORMS)
"""Last words of named sites and features (`Norvale Air Base`, `Karzana hills`)."""

NUMBERED_SITES = _words(
    """Tower Gate Checkpoint Highway Route Hangar Pier Berth Dock Terminal Warehouse Platform
    Block Sector Zone Ward Exit Runway Reactor Unit Camp Shelter Bunker Well Silo Lock"""
)
"""Site words a number completes (`Hangar 9`, `Pier 4`, `Gate 3`)."""

SITE_PREFIXES = _words("Camp Fort FOB COP Lake Mount Mt Port Cape")
REGION_SUFFIXES = _words(
    """Province Region Governorate District Prefecture County Oblast Territory Territories
    Island Islands Strip Bank Peninsula Coast Valley Heights Plateau Basin Delta"""
)
STRIP_REGION = _words("Province Region Governorate District Prefecture County Oblast State")
"""Region words dropped from a canonical place name (`Idlib province` -> `Idlib`)."""

PLACE_NOUNS = (
    _words(
        """province region governorate district prefecture county city town village capital island
    islands area state port district municipality suburb neighbourhood neighborhood camp
    border coast settlement settlements slum slums township townships quarter estate resort"""
    )
    | LANDFORMS
)

EVENT_WORDS = _words(
    """Conference Summit Olympics Olympic Games Cup Championship Championships Festival Election
    Elections Agreement Accord Accords Treaty Act Day Prize Award Awards Operation Operations
    War Revolution Crisis Uprising Offensive Campaign Plan Initiative Declaration Convention
    Protocol Resolution Charter Doctrine Strategy Results Week Year Storm Hurricane Typhoon
    Cyclone Earthquake Tsunami Marathon Tournament League Constituency Constituencies Bill"""
)
"""Words that make a capitalised phrase an event or document, not an actor or place."""

MEDIA = _words(
    """reuters ap afp associated-press agence-france-presse bloomberg wikinews bbc cnn
    abc-news nbc cbs fox-news al-jazeera aljazeera upi xinhua itar-tass tass interfax
    dpa ansa efe kyodo yonhap guardian new-york-times washington-post financial-times
    wall-street-journal times economist telegraph independent"""
)
"""Media whose name alone is a source, never a party (matched on slug-like keys)."""

LOCATIVE = _words(
    """in at near to into from across throughout inside outside within around
    via through off outskirts in northern southern eastern western central"""
)
DIRECTIONS = _words(
    """north south east west northern southern eastern western central northeastern
    northwestern southeastern southwestern north-eastern north-western south-eastern
    south-western northeast northwest southeast southwest north-east north-west south-east
    south-west upper lower greater rural coastal remote war-torn neighbouring neighboring
    restive mountainous"""
)
FORCE_NOUNS = _words(
    """army navy police military forces troops marines military-police gendarmerie
    coast-guard air-force armed-forces security-forces special-forces"""
)
"""Common nouns that, after a nationality, name a state's forces (`Turkish police`)."""

ARMY_GROUP = _words("army military forces troops armed-forces")
"""Nouns that all name one state's land forces, merged into one actor per story."""

GOVERNMENT_NOUNS = _words("government regime authorities administration cabinet leadership")

AGENT_VERBS = _words(
    """has had have will would could should may might must can cannot did does
    do said says told tells denied denies sent sends deployed deploys invaded invades
    fired fires launched launches attacked attacks accused accuses announced announces
    warned warns claimed claims rejected rejects agreed agrees signed signs ordered orders
    urged urges called calls stated states wants wanted used uses began begins started
    starts continued continues retaliated retaliates evacuated evacuates refused refuses
    threatened threatens demanded demands condemned condemns criticised criticized supported
    supports backed backs provided provides helped helps offered offers insisted insists
    maintained maintains responded responds vowed vows pledged pledges plans planned hopes
    hoped believes believed recognised recognized voted votes decided decides seized seizes
    captured captures arrested arrests killed kills struck strikes bombed bombs shelled
    shells facilitated consulted consult opposes opposed won wins lost loses also
    reportedly still already recently miscalculated intervened intervenes sought seeks
    became remains remained joined joins withdrew withdraws closed closes opened opens
    imposed imposes lifted lifts suspended suspends expelled expels summoned summons
    approved approves needs needed received receives asked asks"""
)
"""Verbs (and adverbs before them) that make a preceding country a state actor."""

COMMON_WORDS = _words(
    """a an the this that these those it its he she they we i you his her their our my your
    him them us me who whom whose which what when where why how there here then than and
    or but nor so yet for of in on at by with from to into onto over under after before
    during while since until about above below between among against without within
    through across along around behind beyond near off out up down as if because though
    although unless whether not no yes all any both each every few many more most much
    some such other another same own only just also even still again ever never always
    often once now today yesterday tomorrow tonight soon later earlier already however
    meanwhile moreover furthermore instead otherwise thus therefore hence indeed perhaps
    maybe according despite amid amidst following including regarding concerning
    is are was were be been being am has have had do does did will would shall should
    can could may might must said says say reports report reported observers officials
    aides residents police troops soldiers forces rebels militants combat fighting one two
    three four five six seven eight nine ten first second third last next new old several
    around nearly almost about over under some standing freed former late early both
    neither either estimates sources witnesses analysts experts critics supporters members
    leaders people thousands hundreds dozens millions tens officials authorities government
    news photo image map file video story statement election results meanwhile elsewhere
    separately local national international military civilian senior junior young older
    unlike like within despite after asked speaking commenting discussing addressing
    writing citing quoting according noting adding saying calling eleven twelve thirteen
    fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty hundred
    thousand dozen god allah"""
)
"""Frequent words that start sentences; capitalised there, they are not names."""

WEEKDAYS_MONTHS = _words(
    """Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
    May June July August September October November December Jan Feb Mar Apr Jun Jul Aug Sep
    Sept Oct Nov Dec"""
)

ABBREVIATIONS = _words(
    """Mr Mrs Ms Dr Prof Sr Jr St Mt Ft Gen Lt Col Maj Capt Cmdr Cdr Adm Sgt Spc Pvt Pfc Cpl Brig
    Gov Sen Rep Rev Hon Inf Regt Div Bn Co Corp Inc Ltd No Nos Vol Jan Feb Mar Apr Jun Jul
    Aug Sep Sept Oct Nov Dec Ala Ariz Ark Calif Colo Conn Del Fla Ga Ill Ind Kan Ky La Md
    Mass Mich Minn Miss Mo Mont Neb Nev Okla Ore Pa Penn Tenn Tex Va Vt Wash Wis Wyo
    Mass Ave Blvd Dept Univ Assn Bros Msgt Ssgt Tsgt Sfc Ltc vs etc approx"""
)
"""Words whose full stop is part of the word, not the end of a sentence."""

COMMON_VERBS = _words(
    """bring brings say says want wants need needs make makes take takes give gives help helps
    work works live lives continue continues remain remains hold holds keep keeps believe
    believes plan plans hope hopes seek seeks face faces fear fears call calls claim claims
    control controls lead leads run runs support supports oppose opposes deny denies accuse
    accuses insist insists expect expects agree agrees reject rejects urge urges warn warns
    own owns operate operates represent represents include includes provide provides become
    becomes launch launches attack attacks win wins lose loses join joins meet meets visit
    visits send sends tell tells ask asks know knows think thinks see sees come comes go goes
    get gets put puts show shows try tries leave leaves move moves stand stands serve serves
    begin begins announce announces report reports confirm confirms describe describes"""
)
"""Present-tense verbs: after a name they make it the subject, not a modifier."""

TITLES_LOWER = frozenset(w.lower() for w in TITLES) | frozenset(
    [
        "prime",
        "president",
        "minister",
        "foreign",
        "interior",
        "defense",
        "defence",
        "justice",
        "chief",
        "head",
        "leader",
    ]
)
"""Title words in lower case, as after a possessive (`Peru's prime minister`)."""

NOT_NAMES = _words(
    """shia shiite shi'ite sunni christian christians muslim muslims jewish jew jews catholic
    catholics protestant buddhist buddhists hindu hindus islam islamic arab arabs african
    european asian western eastern balkan balkans latin caribbean middle-eastern god allah
    koran quran bible internet web christmas easter ramadan eid hanukkah passover"""
)
"""Religions, faiths and broad adjectives that are neither actors nor places on their own."""

CONTINENTS = _words("europe asia africa antarctica oceania america americas eurasia")

JOINING_POSSESSORS = _words(
    """People Peoples Workers Women Children Veterans Citizens Farmers Nations Martyrs
    Students Youth Mothers Men Soldiers"""
)
"""Words before `'s` inside a name (`Free Farmers' Party`, `Young People's League`)."""

US_STATE_ABBREVIATIONS = _words(
    """Ala Ariz Ark Calif Colo Conn Del Fla Ga Ill Ind Kan Ky La Md Mass Mich Minn Miss Mo
    Mont Neb Nev Okla Ore Pa Penn Tenn Tex Va Vt Wash Wis Wyo"""
)

TRAILING_TITLES = _words(
    """Spokesperson Spokesman Spokeswoman Chairman Chairwoman Director Secretary Minister
    President Commander Chief Officer Ambassador"""
)
"""Titles that may follow an organisation's name (`Transport Ministry Spokesperson`)."""

SEATS_OF_POWER = {
    "kremlin": "RU",
    "white house": "US",
    "downing street": "GB",
    "number 10": "GB",
    "no 10": "GB",
    "elysee": "FR",
    "elysee palace": "FR",
    "matignon": "FR",
    "quai d'orsay": "FR",
    "zhongnanhai": "CN",
    "blue house": "KR",
    "kantei": "JP",
    "palazzo chigi": "IT",
    "casa rosada": "AR",
    "planalto": "BR",
    "planalto palace": "BR",
    "itamaraty": "BR",
    "miraflores palace": "VE",
    "bankova": "UA",
    "chancellery": "DE",
    "ark": "AF",
    "union buildings": "ZA",
    "state house": "KE",
    "aso rock": "NG",
    "malacanang": "PH",
    "malacanang palace": "PH",
    "istana": "SG",
    "rashtrapati bhavan": "IN",
    "south block": "IN",
    "foggy bottom": "US",
    "whitehall": "GB",
    "la moncloa": "ES",
    "moncloa": "ES",
}
"""Buildings whose name stands for a government (`the Kremlin said`): the state acting."""
