"""What the demo's people say: two chat topics, each with five questions and the
makings of plausible answers, and the small talk around them (introductions,
replies, thanks). Texts are assembled by a seeded random generator."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    title: str
    description: str
    questions: list[str]
    # Per question: answer openings, and the details that finish them.
    answers: list[list[str]]
    details: list[list[str]]
    # The hosts' follow-up questions, per question.
    follow_ups: list[list[str]]


CUSTOMER_SERVICE = Topic(
    title="Customer service at the desk and beyond",
    description=(
        "How we welcome people, handle the hard conversations, and keep service good "
        "when the library is busy, short-staffed or online."
    ),
    questions=[
        "What does great customer service look like in your library?",
        "Tell us about a difficult interaction and what you learnt from it.",
        "How do you serve people who never come into the building?",
        "What training has helped you most with customer service?",
        "If you could change one policy to improve service tomorrow, what would it be?",
    ],
    answers=[
        [
            "Great service is when people leave with more than they asked for",
            "For us it starts with looking up from the screen and saying hello",
            "Honestly? Knowing when to walk someone to the shelf instead of pointing",
            "It's consistency: the same warm answer at 9am and at closing",
            "No jargon. Nobody outside the profession says 'OPAC'",
            "Roving instead of hiding behind the desk made a huge difference",
            "Great service means the shy kids ask us things too",
            "Saying 'let's find out together' when I don't know",
        ],
        [
            "A patron shouted at me over a $2 fine; I waived it and we talked instead",
            "Someone wanted a book removed from the children's section",
            "A regular came in every day during a crisis and mostly needed company",
            "A student was in tears over a referencing deadline at 10 minutes to close",
            "We had a complaint about noise from the teen space, from a teen",
            "Once I argued about a rule I didn't even agree with",
            "A family needed help with a government form in a language none of us spoke",
        ],
        [
            "Home delivery for housebound readers, run by volunteers",
            "Chat reference that is staffed by real people, not a bot",
            "We park the mobile library outside the night market",
            "Storytime recorded and shared with the local kindergartens",
            "Phone-a-librarian hours for people without internet at home",
            "We go to the community centre every Tuesday with a laptop and a hotspot",
            "Email newsletters in three languages",
        ],
        [
            "Mental health first aid, without a doubt",
            "De-escalation training from our local council",
            "Shadowing colleagues at a different branch for a week",
            "A reference interview workshop in library school that I still use daily",
            "Disability awareness training led by people with disabilities",
            "Learning basic phrases in the languages our community speaks",
            "Honestly, watching how our senior circulation staff handle regulars",
        ],
        [
            "Abolish overdue fines completely",
            "Let people borrow without proof of address",
            "Open later on weekdays, even if we open later in the morning",
            "Allow food in the building, within reason",
            "Let kids use the adult computers",
            "Drop the limit on interlibrary loans for students",
            "Give frontline staff a budget to fix small problems on the spot",
        ],
    ],
    details=[
        [
            "and feel they can come back.",
            "and it costs nothing.",
            "Every single time.",
            "We talk about it at every team meeting.",
            "That's the whole job, really.",
        ],
        [
            "I learnt to listen first and explain the rule second.",
            "Taught me to ask what they actually need.",
            "We changed the policy afterwards.",
            "I still think about it.",
            "Now we have a script for it, and it helps.",
        ],
        [
            "Circulation went up 20% in that area.",
            "It reaches people who thought the library wasn't for them.",
            "Small budget, big difference.",
            "It started as a pilot and never stopped.",
            "People tell us it's the highlight of their week.",
        ],
        [
            "Every frontline person should get it.",
            "It changed how I read a room.",
            "Cheap and worth every minute.",
            "I'd love to see it in library school.",
        ],
        [
            "The evidence is clear.",
            "It would remove so many barriers.",
            "Our community keeps asking for it.",
            "Small change, huge goodwill.",
        ],
    ],
    follow_ups=[
        ["How do you keep that going on a busy Saturday?", "Do you train for it or hire for it?"],
        ["What would you do differently now?", "Did your manager back you up?"],
        ["How do you measure whether it works?", "Who pays for it?"],
        ["Was it paid time or your own?", "Who ran it?"],
        ["Has anyone here made that change already?", "What's stopping it?"],
    ],
)

AI_AND_LIBRARIES = Topic(
    title="Libraries and AI tools",
    description=(
        "Chatbots, search assistants and generated images: what our communities ask, "
        "what we teach, and where we draw lines."
    ),
    questions=[
        "Are the people you serve using AI tools? What do they ask you about them?",
        "How do you teach people to check what an AI tool tells them?",
        "Have you used an AI tool in your own library work? What worked, what didn't?",
        "What worries you most about AI in libraries: privacy, bias, jobs, something else?",
        "What is one thing every library could do about AI this year?",
    ],
    answers=[
        [
            "Students mostly, and they ask whether they're 'allowed' to use it",
            "Older patrons ask whether the chatbot is 'the internet'",
            "Job seekers use it for cover letters and ask us to check them",
            "Every week someone brings a citation that doesn't exist",
            "Parents ask how to tell whether homework was written by a bot",
            "Less than the headlines suggest, honestly",
            "Our makerspace kids use image generators for their game art",
        ],
        [
            "We do a 'find the source' exercise: every claim needs a real citation",
            "Lateral reading: open a new tab and check who else says it",
            "I ask them to ask it something they already know well first",
            "We compare its answer with a database search, side by side",
            "A one-page checklist at the desk: who, when, where is the evidence",
            "I show them a confident wrong answer. That does most of the teaching",
        ],
        [
            "Drafting alt text for our photo archive, with a human checking each one",
            "First drafts of event blurbs; I rewrite half of it",
            "It was useless for cataloguing; the subject headings were invented",
            "Summarising long council reports before meetings",
            "Translating signage drafts, then a native speaker checks them",
            "Tried it for reading lists; three of the ten books didn't exist",
        ],
        [
            "Privacy: people paste their whole lives into these tools",
            "Bias in whose voices the training data left out",
            "That budgets get cut because 'the AI can answer questions now'",
            "The flood of generated books in our ebook platforms",
            "Kids trusting it more than they trust people",
            "Honestly, the energy use",
        ],
        [
            "Run a free drop-in session on how these tools actually work",
            "Write a plain-language policy for staff and patrons",
            "Add AI literacy to every information literacy class",
            "Check the vendor contracts for what they do with our users' data",
            "Talk to our communities before buying anything with AI in the name",
            "Keep a human at the desk. That's the point",
        ],
    ],
    details=[
        [
            "We need better answers than 'it depends'.",
            "It's changed the reference desk already.",
            "It comes up at least daily.",
            "Curious how others answer this.",
        ],
        [
            "Takes ten minutes and it sticks.",
            "Works from primary school up.",
            "Students love catching it out.",
            "Happy to share our handout: https://example.org/libchat/check-it",
        ],
        [
            "Saved time, but only with checking.",
            "Wouldn't trust it unsupervised.",
            "Mixed results, to be kind.",
            "It's a tool, not a colleague.",
        ],
        [
            "We don't talk about it enough.",
            "And nobody asked the public first.",
            "That's what keeps me up at night.",
            "Libraries should be the ones asking these questions.",
        ],
        [
            "Doable with almost no budget.",
            "We did it last month and it filled up.",
            "Start small, but start.",
            "Our users are already asking.",
        ],
    ],
    follow_ups=[
        ["Do you have a guide you can share?", "How do you answer the 'allowed' question?"],
        ["Does that work with younger kids too?", "How long does that take in a class?"],
        ["Did you tell people it was drafted that way?", "Would you use it again?"],
        ["What would help you raise it with management?", "Is anyone working on this?"],
        ["Who should lead that locally?", "Anyone done this already?"],
    ],
)

PAST_TOPIC = CUSTOMER_SERVICE
LIVE_TOPIC = AI_AND_LIBRARIES

WELCOME = (
    "Welcome to #libchat! Tonight: {topic}. Introduce yourself: who you are, where "
    "you're joining from, and what kind of library you work in."
)
CLOSING = (
    "That's the hour! Thank you all for a wonderful #libchat. The conversation goes on: "
    "keep using the hashtag, and the transcript will be up soon."
)

INTRODUCTIONS = [
    "Hi all! {name}, {role} in {city}. First time here! {tag}",
    "Evening from {city}! {role_cap}, coffee in hand. {tag}",
    "Morning from {city} ☕ {name} here, {role}. {tag}",
    "Hello {tag}! {name} from {city}, lurking and learning tonight.",
    "{name} joining from {city}. {role_cap}. Excited for this topic! {tag}",
    "Hi from {city}! It's {part_of_day} here. {role_cap} and long-time lurker. {tag}",
    "Back again from {city}. {tag}",
    "Hey everyone, {name} ({role}, {city}). {tag}",
]

REPLIES = [
    "@{handle} yes! We found exactly the same.",
    "@{handle} love this. Stealing it for our team meeting.",
    "@{handle} how did you get buy-in for that?",
    "@{handle} this is so true.",
    "@{handle} we tried that too, with mixed results.",
    "@{handle} could you share more about how that works?",
    "@{handle} 👏👏👏",
    "@{handle} same here in {city}.",
    "@{handle} I'd never thought of it that way.",
    "@{handle} our manager would never go for it, sadly.",
    "@{handle} that's brilliant. How big is your team?",
    "@{handle} agree 100%.",
]
REPLIES_BACK = [
    "@{handle} happy to! DM me.",
    "@{handle} it took a while, but it's worth it.",
    "@{handle} small team, lots of goodwill 😄",
    "@{handle} start with a pilot, it's easier to say yes to.",
    "@{handle} thanks! Glad it's useful.",
]
HOST_WELCOMES = [
    "@{handle} welcome! So glad you're here.",
    "@{handle} welcome to #libchat!",
    "@{handle} hello and welcome 👋",
]
THANKS = [
    "Thanks everyone, great chat! {tag}",
    "So many ideas to take back to work. Thank you {tag}",
    "Thanks @{host} and all. See you next month! {tag}",
    "My first {tag} and definitely not my last.",
    "Brilliant as always. Off to bed now 😴 {tag}",
    "Thanks for hosting, @{host}! {tag}",
]
PRE_CHAT = [
    "#libchat starts in a minute! Grab a drink.",
    "Who's ready for #libchat? Tonight's topic looks great.",
    "Setting an alarm for #libchat, see you all there.",
]
