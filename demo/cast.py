"""The demo's people: a host, a co-host, about 150 participants across the world's
timezones and a few organisation profiles, all drawn from a seeded random
generator so every run makes the same cast."""

import random
import re
import unicodedata
from dataclasses import dataclass, field

# (city, country, IANA zone, given names, family names)
REGIONS: list[tuple[str, str, str, list[str], list[str]]] = [
    (
        "Hong Kong",
        "Hong Kong",
        "Asia/Hong_Kong",
        ["Mei", "Ka Yan", "Wing", "Hoi Ling", "Chun", "Sze Wan", "Tsz Ho", "Yan Ting"],
        ["Chan", "Wong", "Leung", "Lau", "Cheung", "Ho", "Ng", "Tsang"],
    ),
    (
        "Shanghai",
        "China",
        "Asia/Shanghai",
        ["Li", "Xiaoming", "Jing", "Hui", "Fang", "Wei", "Yu"],
        ["Zhang", "Wang", "Liu", "Chen", "Zhou", "Xu"],
    ),
    (
        "Singapore",
        "Singapore",
        "Asia/Singapore",
        ["Siti", "Rajesh", "Hui Min", "Farah", "Daniel", "Priya"],
        ["Tan", "Lim", "Rahman", "Nair", "Goh", "Koh"],
    ),
    (
        "Tokyo",
        "Japan",
        "Asia/Tokyo",
        ["Yuki", "Haruto", "Aiko", "Ren", "Sakura"],
        ["Sato", "Suzuki", "Takahashi", "Watanabe", "Ito"],
    ),
    (
        "Sydney",
        "Australia",
        "Australia/Sydney",
        ["Olivia", "Jack", "Charlotte", "Liam", "Mia", "Noah", "Aisha", "Tom"],
        ["Smith", "Nguyen", "Kelly", "Brown", "Papadopoulos", "Walker", "Murphy"],
    ),
    (
        "Melbourne",
        "Australia",
        "Australia/Melbourne",
        ["Grace", "Lachlan", "Isla", "Harrison", "Zara"],
        ["Taylor", "Rossi", "Anderson", "Singh", "Campbell"],
    ),
    (
        "Perth",
        "Australia",
        "Australia/Perth",
        ["Chloe", "Oscar", "Ruby", "Ethan"],
        ["Martin", "Thompson", "White", "Clarke"],
    ),
    (
        "Auckland",
        "New Zealand",
        "Pacific/Auckland",
        ["Aroha", "Tane", "Sophie", "Manaia", "Hannah"],
        ["Ngata", "Williams", "Parata", "Wilson", "Tamihana"],
    ),
    (
        "Mumbai",
        "India",
        "Asia/Kolkata",
        ["Ananya", "Arjun", "Kavya", "Rohan", "Meera"],
        ["Sharma", "Patel", "Iyer", "Desai", "Kulkarni"],
    ),
    (
        "Nairobi",
        "Kenya",
        "Africa/Nairobi",
        ["Wanjiru", "Otieno", "Amani", "Njeri"],
        ["Kamau", "Odhiambo", "Mwangi", "Achieng"],
    ),
    (
        "Cape Town",
        "South Africa",
        "Africa/Johannesburg",
        ["Thandi", "Sipho", "Lerato", "Pieter"],
        ["Nkosi", "Dlamini", "van der Merwe", "Botha"],
    ),
    (
        "Lagos",
        "Nigeria",
        "Africa/Lagos",
        ["Chiamaka", "Tunde", "Ngozi", "Emeka"],
        ["Okafor", "Adeyemi", "Eze", "Balogun"],
    ),
    (
        "Copenhagen",
        "Denmark",
        "Europe/Copenhagen",
        ["Freja", "Mads", "Ida", "Rasmus", "Signe"],
        ["Jensen", "Nielsen", "Hansen", "Larsen"],
    ),
    (
        "Helsinki",
        "Finland",
        "Europe/Helsinki",
        ["Aino", "Eero", "Linnea"],
        ["Virtanen", "Korhonen", "Mäkinen"],
    ),
    (
        "Berlin",
        "Germany",
        "Europe/Berlin",
        ["Lena", "Jonas", "Miriam", "Felix"],
        ["Müller", "Schmidt", "Becker", "Wagner"],
    ),
    (
        "Amsterdam",
        "Netherlands",
        "Europe/Amsterdam",
        ["Sanne", "Daan", "Fleur"],
        ["de Vries", "Bakker", "Visser"],
    ),
    (
        "Dublin",
        "Ireland",
        "Europe/Dublin",
        ["Aoife", "Cian", "Niamh", "Conor"],
        ["O'Brien", "Byrne", "Ryan", "Doyle"],
    ),
    (
        "London",
        "United Kingdom",
        "Europe/London",
        ["Amelia", "Oliver", "Fatima", "George", "Imogen"],
        ["Jones", "Ahmed", "Evans", "Hughes", "Patel"],
    ),
    (
        "Toronto",
        "Canada",
        "America/Toronto",
        ["Emily", "Marc", "Jasmine", "Owen"],
        ["Tremblay", "Roy", "Li", "MacDonald"],
    ),
    (
        "Winnipeg",
        "Canada",
        "America/Winnipeg",
        ["Brooke", "Kyle", "Nadia"],
        ["Friesen", "Klassen", "Bouchard"],
    ),
    (
        "New York",
        "United States",
        "America/New_York",
        ["Maya", "Marcus", "Rachel", "Diego", "Keisha"],
        ["Johnson", "Rodriguez", "Goldberg", "Washington", "Kim"],
    ),
    (
        "Chicago",
        "United States",
        "America/Chicago",
        ["Megan", "Tyrone", "Ana", "Brian"],
        ["Kowalski", "Garcia", "Harris", "Nowak"],
    ),
    (
        "Denver",
        "United States",
        "America/Denver",
        ["Sierra", "Cody", "Elena"],
        ["Martinez", "Anderson", "Yazzie"],
    ),
    (
        "Seattle",
        "United States",
        "America/Los_Angeles",
        ["Hannah", "Kevin", "Lucía", "Jordan"],
        ["Nakamura", "Olsen", "Reyes", "Park"],
    ),
    (
        "São Paulo",
        "Brazil",
        "America/Sao_Paulo",
        ["Beatriz", "Lucas", "Camila"],
        ["Silva", "Santos", "Oliveira"],
    ),
    (
        "Mexico City",
        "Mexico",
        "America/Mexico_City",
        ["Valeria", "Santiago", "Ximena"],
        ["Hernández", "López", "Ramírez"],
    ),
]

ROLES = [
    "school librarian",
    "public librarian",
    "academic librarian",
    "law librarian",
    "children's librarian",
    "teacher librarian",
    "archivist",
    "cataloguer",
    "library technician",
    "LIS student",
    "digital services librarian",
    "branch manager",
    "research data librarian",
    "youth services librarian",
    "health librarian",
    "special collections librarian",
    "makerspace coordinator",
    "outreach librarian",
]

INTERESTS = [
    "picture books",
    "open access",
    "zines",
    "local history",
    "makerspaces",
    "coding clubs",
    "information literacy",
    "reader advisory",
    "metadata",
    "digital preservation",
    "community gardens",
    "board games",
    "oral histories",
    "graphic novels",
    "accessibility",
    "early literacy",
    "research support",
    "copyright",
    "library design",
    "book clubs",
]

# Organisation profiles that people in the crowd post as, now and then.
ORGANISATIONS: list[tuple[str, str, str, str, str]] = [
    (
        "HarbourCityLib",
        "Harbour City Libraries",
        "Hong Kong",
        "Asia/Hong_Kong",
        "Twelve branches, one card. Ask us anything.",
    ),
    (
        "NorthShoreSchoolLibs",
        "North Shore School Libraries",
        "Sydney",
        "Australia/Sydney",
        "The school library network of the North Shore.",
    ),
    (
        "CPHMakerLab",
        "Copenhagen Library Maker Lab",
        "Copenhagen",
        "Europe/Copenhagen",
        "3D printers, sewing machines and patient staff.",
    ),
    (
        "PrairieReads",
        "Prairie Reads",
        "Winnipeg",
        "America/Winnipeg",
        "A reading programme for rural libraries.",
    ),
    (
        "LagosBookHub",
        "Lagos Book Hub",
        "Lagos",
        "Africa/Lagos",
        "A community library and reading room.",
    ),
]

HOST = {
    "username": "demohost",
    "password": "watch-the-chat-7",
    "handle": "RosaReads",
    "display_name": "Rosa Alvarez",
    "location": "Melbourne, Australia",
    "timezone": "Australia/Melbourne",
    "bio": "Host of #libchat. Public librarian, reference desk veteran.",
}
ORGANISER = {
    "handle": "LibChat",
    "display_name": "LibChat",
    "location": "Everywhere",
    "timezone": "Asia/Hong_Kong",
    "bio": "The official profile of #libchat, a monthly chat for library people.",
}
COHOST = {
    "username": "democohost",
    "password": "cohost-keeps-time-3",
    "handle": "KwameCatalogues",
    "display_name": "Kwame Mensah",
    "location": "Accra, Ghana",
    "timezone": "Africa/Accra",
    "bio": "Cataloguer and #libchat co-host.",
}
# The participant whose login the demo prints.
PARTICIPANT = {
    "username": "demoparticipant",
    "password": "answer-with-A1-please",
    "handle": "MeiLibrarian",
    "display_name": "Mei Chan",
    "location": "Hong Kong",
    "timezone": "Asia/Hong_Kong",
    "bio": "Teacher librarian in Kowloon. Zines, comics and coding club.",
}


@dataclass
class Person:
    username: str
    handle: str
    display_name: str
    location: str
    timezone: str
    bio: str
    city: str
    # Handles of the organisation profiles this person may also post as.
    organisations: list[str] = field(default_factory=list)
    # How chatty this person is (relative weight of taking part and posting).
    weight: float = 1.0


def _handle_for(given: str, family: str, rng: random.Random, taken: set[str]) -> str:
    base_given = re.sub(r"[^A-Za-z0-9]", "", _ascii(given))
    base_family = re.sub(r"[^A-Za-z0-9]", "", _ascii(family))
    styles = [
        f"{base_given}{base_family}",
        f"{base_given}_{base_family}",
        f"{base_given}{base_family[:1]}",
        f"{base_given.lower()}reads",
        f"{base_given}Lib",
        f"librarian{base_given}",
    ]
    handle = rng.choice(styles)[:26]
    candidate, n = handle, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{handle}{n}"
    taken.add(candidate.lower())
    return candidate


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def build_cast(seed: int, size: int = 150) -> list[Person]:
    """`size` participants (the printed participant first), deterministic for `seed`."""
    rng = random.Random(f"cast-{seed}")
    taken = {p["handle"].lower() for p in (HOST, COHOST, PARTICIPANT)}
    taken |= {ORGANISER["handle"].lower()} | {o[0].lower() for o in ORGANISATIONS}
    people = [
        Person(
            username=PARTICIPANT["username"],
            handle=PARTICIPANT["handle"],
            display_name=PARTICIPANT["display_name"],
            location=PARTICIPANT["location"],
            timezone=PARTICIPANT["timezone"],
            bio=PARTICIPANT["bio"],
            city="Hong Kong",
            weight=2.0,
        )
    ]
    seen_names = {PARTICIPANT["display_name"]}
    while len(people) < size:
        city, country, zone, given_names, family_names = rng.choice(REGIONS)
        given, family = rng.choice(given_names), rng.choice(family_names)
        name = f"{given} {family}"
        if name in seen_names:
            continue
        seen_names.add(name)
        handle = _handle_for(given, family, rng, taken)
        role = rng.choice(ROLES)
        interests = rng.sample(INTERESTS, 2)
        bio = rng.choice(
            [
                f"{role.capitalize()} in {city}. Into {interests[0]} and {interests[1]}.",
                f"{role.capitalize()}. {interests[0].capitalize()}, {interests[1]}, coffee.",
                f"I work as a {role}. Views my own.",
                f"{role.capitalize()} ({city}). Ask me about {interests[0]}.",
                "",
            ]
        )
        location = rng.choice([f"{city}, {country}", city, f"{city}, {country}"])
        if city == country:
            location = city
        people.append(
            Person(
                username=f"{handle.lower()}",
                handle=handle,
                display_name=name,
                location=location,
                timezone=zone,
                bio=bio,
                city=city,
                # A few people post a lot, most a little (a long tail).
                weight=round(rng.paretovariate(1.6), 2),
            )
        )
    # Each organisation profile is run by someone from its city (or anyone).
    for handle, _name, city, _zone, _bio in ORGANISATIONS:
        locals_ = [p for p in people[1:] if p.city == city] or people[1:]
        rng.choice(locals_).organisations.append(handle)
    people[0].organisations.append("HarbourCityLib")
    return people
