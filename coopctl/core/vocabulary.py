"""The built-in sector vocabulary: pure data, read by `coopctl.sectors`.

Each sector has an English kebab-case id, an English label, an Indonesian
label, aliases and an optional parent. The ids follow the government affairs
(urusan pemerintahan) of UU 23/2014 Art. 12 (6 mandatory basic-service
affairs, 18 mandatory non-basic-service affairs, 8 optional affairs) plus the
objects of foreign cooperation in Art. 367 (science and technology, culture,
technical and government-management capacity, promotion of regional
potential) and a few sub-sectors seen in real agreements (vocational,
inclusive and higher education, nutrition, water and sanitation). The rows
and their aliases come from the project research, domain.md section 6; each
row's aliases include that table's snake_case key (`vokasi`, `umkm`,
`pu_tata_ruang`, ...) so records written with those keys still resolve.

Matching is done on a normalised form: lower-case, accents stripped, every run
of non-alphanumeric characters replaced by a single `-`, leading and trailing
`-` removed. After normalising, no alias or label names two sectors, and no
alias equals another sector's id (tests/test_sectors.py checks it). Where the
research gave the same alias to two rows it is kept on one row only.
"""

SECTORS: tuple[tuple[str, str, str, tuple[str, ...], str | None], ...] = (
    # (id, English label, Indonesian label, aliases, parent id or None)
    ("education", "Education", "Pendidikan", (
        "pendidikan", "edukasi", "sekolah", "schooling", "education exchange",
        "santri", "pesantren", "pondok pesantren",
        "pertukaran pelajar", "student exchange",
    ), None),
    ("vocational", "Vocational education & training", "Pendidikan vokasi / kejuruan", (
        "vokasi", "vokasional", "smk", "kejuruan", "pelatihan vokasi", "teaching factory",
        "tefa", "tvet", "vocational training", "luban workshop", "pendidikan kejuruan",
        "pendidikan vokasi",
    ), "education"),
    ("inclusive-education", "Inclusive / special-needs education", "Pendidikan inklusif / khusus", (
        "pendidikan_inklusif", "slb", "abk", "anak berkebutuhan khusus", "tunarungu",
        "hearing-impaired", "deaf education", "disabilitas", "disability", "autism",
        "pendidikan inklusi", "pendidikan inklusif", "pendidikan khusus", "sekolah luar biasa",
    ), "education"),
    ("higher-education", "Higher education", "Pendidikan tinggi", (
        "pendidikan_tinggi", "perguruan tinggi", "universitas", "beasiswa", "scholarship",
        "international education",
    ), "education"),
    ("health", "Health", "Kesehatan", (
        "kesehatan", "layanan kesehatan", "rumah sakit", "rs", "health care", "puskesmas",
    ), None),
    ("nutrition", "Nutrition", "Gizi", (
        "gizi", "stunting", "nutrition",
    ), "health"),
    ("public-works", "Public works & spatial planning", "Pekerjaan umum dan penataan ruang", (
        "pu_tata_ruang", "pu", "pupr", "infrastruktur", "infrastructure", "tata ruang",
        "pekerjaan umum", "penataan ruang",
        "city planning", "spatial planning",
    ), None),
    ("water-sanitation", "Water supply & sanitation", "Air bersih dan sanitasi", (
        "air_sanitasi", "air minum", "pengolahan air", "water treatment", "wash", "sanitasi",
        "air bersih", "penyediaan air minum", "spam",
    ), "public-works"),
    ("housing", "Housing & settlement areas", "Perumahan rakyat dan kawasan permukiman", (
        "perumahan", "perkim", "permukiman", "housing",
    ), None),
    ("public-order", "Public order & community protection",
     "Ketenteraman, ketertiban umum, dan pelindungan masyarakat", (
         "trantibum", "satpol pp", "linmas", "public order",
         "ketertiban umum", "ketenteraman", "ketenteraman dan ketertiban umum", "kebakaran",
         "pemadam kebakaran", "damkar", "pelindungan masyarakat",
     ), None),
    ("disaster-management", "Disaster management", "Penanggulangan bencana", (
        "bencana", "kebencanaan", "disaster recovery", "disaster risk reduction", "drr", "bpbd",
    ), "public-order"),
    ("social-affairs", "Social affairs / welfare", "Sosial", (
        "sosial", "kesejahteraan sosial", "social welfare", "social policy",
    ), None),
    ("manpower", "Manpower / labour", "Tenaga kerja", (
        "tenaga_kerja", "ketenagakerjaan", "employment", "workforce development", "upskilling",
        "magang", "pemagangan", "blk", "balai latihan kerja",
        "pekerja migran", "pekerja migran indonesia", "p2mi",
    ), None),
    ("women-children", "Women's empowerment & child protection",
     "Pemberdayaan perempuan dan pelindungan anak", (
         "pppa", "perlindungan anak", "child protection", "gender",
         "pemberdayaan perempuan", "pelindungan anak", "pengarusutamaan gender",
     ), None),
    ("food-security", "Food security", "Pangan", (
        "pangan", "ketahanan pangan", "food security",
    ), None),
    ("land", "Land affairs", "Pertanahan", (
        "pertanahan", "tanah", "land",
    ), None),
    ("environment", "Environment", "Lingkungan hidup", (
        "lingkungan_hidup", "lh", "lingkungan", "sampah", "pengelolaan sampah",
        "perubahan iklim", "persampahan",
        "waste management", "climate", "iklim",
    ), None),
    ("civil-registration", "Population administration & civil registration",
     "Administrasi kependudukan dan pencatatan sipil", (
         "adminduk", "dukcapil", "civil registration",
         "kependudukan", "administrasi kependudukan", "pencatatan sipil",
     ), None),
    ("village-empowerment", "Community & village empowerment", "Pemberdayaan masyarakat dan desa", (
        "pemdes", "desa", "pedesaan", "rural development", "village technology", "teknologi desa",
        "saemaul undong",
    ), None),
    ("family-planning", "Population control & family planning",
     "Pengendalian penduduk dan keluarga berencana", (
         "keluarga berencana", "family planning", "pengendalian penduduk", "bkkbn",
     ), None),
    ("transportation", "Transportation", "Perhubungan", (
        "perhubungan", "transportasi", "transport", "pelabuhan", "port", "logistik", "logistics",
    ), None),
    ("ict", "Communication & informatics (ICT)", "Komunikasi dan informatika", (
        "kominfo", "tik", "ict", "it", "digital", "e-government", "telekomunikasi",
        "spbe", "smart city", "kota cerdas", "teknologi informasi", "teknologi informasi dan komunikasi",
    ), None),
    ("msme", "Cooperatives & SMEs (MSMEs)", "Koperasi, usaha kecil, dan menengah", (
        "umkm", "ukm", "koperasi", "cooperatives", "msme", "sme", "usaha kecil", "small business",
        "usaha mikro", "koperasi dan ukm", "koperasi dan umkm", "usaha mikro kecil dan menengah",
    ), None),
    ("investment", "Investment", "Penanaman modal", (
        "investasi", "pma", "fdi", "investment promotion", "promosi investasi",
    ), None),
    ("youth-sports", "Youth & sports", "Kepemudaan dan olahraga", (
        "kepemudaan_olahraga", "olahraga", "olah raga", "sport", "sports", "pemuda", "youth", "koni",
        "kepemudaan",
    ), None),
    ("statistics", "Statistics", "Statistik", (
        "statistik", "statistics", "data statistik", "statistik sektoral",
    ), None),
    ("information-security", "Cryptography / information security", "Persandian", (
        "persandian", "sandi", "encryption",
    ), None),
    ("culture", "Culture", "Kebudayaan", (
        "kebudayaan", "budaya", "seni", "kesenian", "seni budaya", "arts", "arts and culture",
        "cultural exchange", "pertukaran budaya",
    ), None),
    ("libraries", "Libraries", "Perpustakaan", (
        "perpustakaan", "library",
    ), None),
    ("archives", "Archives", "Kearsipan", (
        "kearsipan", "arsip", "archives", "records",
    ), None),
    ("marine-fisheries", "Marine affairs & fisheries", "Kelautan dan perikanan", (
        "kelautan_perikanan", "perikanan", "fisheries", "kelautan", "maritim", "maritime", "ikan",
    ), None),
    ("tourism", "Tourism", "Pariwisata", (
        "pariwisata", "wisata", "tourism", "mice", "tourism promotion", "promosi wisata",
        "parekraf", "pariwisata dan ekonomi kreatif",
    ), None),
    ("agriculture", "Agriculture", "Pertanian", (
        "pertanian", "peternakan", "livestock", "cattle", "sapi", "dairy", "sapi perah",
        "perkebunan", "plantation", "agribisnis", "agribusiness",
    ), None),
    ("forestry", "Forestry", "Kehutanan", (
        "kehutanan", "hutan", "forestry",
    ), None),
    ("energy", "Energy & mineral resources", "Energi dan sumber daya mineral", (
        "esdm", "energi", "energy", "energi terbarukan", "renewable energy", "tenaga surya",
        "ebt", "energi baru terbarukan", "energi baru dan terbarukan",
        "solar", "pertambangan", "mining",
    ), None),
    ("trade", "Trade", "Perdagangan", (
        "perdagangan", "ekspor", "impor", "export", "import", "misi dagang", "trade mission",
        "business matching", "temu bisnis",
    ), None),
    ("industry", "Industry", "Perindustrian", (
        "perindustrian", "industri", "manufaktur", "manufacturing", "mebel", "furniture",
        "ikm", "industri kecil menengah", "industri kecil dan menengah",
    ), None),
    ("transmigration", "Transmigration", "Transmigrasi", (
        "transmigrasi", "transmigration",
    ), None),
    ("economy", "Economy (general)", "Ekonomi (umum)", (
        "ekonomi", "economic cooperation", "kerja sama ekonomi",
    ), None),
    ("creative-economy", "Creative economy", "Ekonomi kreatif", (
        "ekonomi_kreatif", "industri kreatif", "creative industries", "film", "perfilman",
        "digital talent", "talenta digital", "animasi", "game",
        "ekraf",
    ), None),
    ("science-technology", "Science & technology development",
     "Pengembangan ilmu pengetahuan dan teknologi", (
         "iptek", "riset", "research", "r&d", "teknologi", "technology", "drone", "robotik",
         "inovasi", "innovation",
         "penelitian", "litbang", "penelitian dan pengembangan", "riset dan inovasi",
     ), None),
    ("government-capacity", "Technical & government-management capacity",
     "Peningkatan kemampuan teknis dan manajemen pemerintahan", (
         "kapasitas_pemerintahan", "pertukaran pegawai", "personnel exchange", "staff exchange",
         "technical exchange", "pertukaran teknis", "capacity building",
         "peningkatan kapasitas aparatur",
         "pertukaran personil", "pertukaran personel", "sdm", "sumber daya manusia", "pengembangan sdm",
         "diklat", "pendidikan dan pelatihan", "pemerintahan", "tata kelola pemerintahan",
     ), None),
    ("regional-promotion", "Promotion of regional potential", "Promosi potensi daerah", (
        "promosi_daerah", "promosi daerah", "regional promotion",
    ), None),
)
