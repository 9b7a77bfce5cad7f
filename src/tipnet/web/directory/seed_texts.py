"""Translations of the seed entries: name, hours and description in the page languages other than
English (English is in seed.py). Keyed by the entry's name as the service
calls itself. Written plainly for readers with little formal schooling; to be checked by native
speakers (docs/directory.md). The Japanese names are the entries' own names, so "ja" has no name.
"""

from __future__ import annotations

WEEKDAYS_9_17 = {
    "ja": "平日 9:00-17:00", "vi": "Thứ Hai đến thứ Sáu, 9:00-17:00", "zh-hans": "工作日 9:00-17:00",
    "fil": "Lunes hanggang Biyernes, 9:00-17:00", "th": "วันจันทร์-ศุกร์ 9:00-17:00",
    "id": "Senin sampai Jumat, 9:00-17:00", "es": "De lunes a viernes, 9:00-17:00",
    "pt-br": "De segunda a sexta, 9:00-17:00",
}

# {entry name: {language: {"name", "hours", "description"}}}
TRANSLATIONS: dict[str, dict[str, dict[str, str]]] = {
    "女性の家HELP": {
        "ja": {"description": "日本キリスト教婦人矯風会の緊急シェルター。電話相談、在留資格・離婚・住まいの相談。"},
        "vi": {"name": "Nhà tạm lánh cho phụ nữ châu Á HELP",
               "description": "Nhà tạm lánh khẩn cấp. Tư vấn qua điện thoại, giúp về visa, ly hôn và chỗ ở."},
        "zh-hans": {"name": "HELP 亚洲女性庇护所",
                    "description": "紧急庇护所。提供电话咨询，帮助解决签证、离婚和住房问题。"},
        "fil": {"name": "HELP Asian Women's Shelter",
                "description": "Pang-emergency na shelter. Payo sa telepono, tulong sa visa, diborsyo at tirahan."},
        "th": {"name": "บ้านพักฉุกเฉินสำหรับผู้หญิงเอเชีย HELP",
               "description": "บ้านพักฉุกเฉิน ให้คำปรึกษาทางโทรศัพท์ ช่วยเรื่องวีซ่า การหย่า และที่พัก"},
        "id": {"name": "Rumah aman perempuan Asia HELP",
               "description": "Rumah aman darurat. Konsultasi lewat telepon, bantuan visa, perceraian dan tempat tinggal."},
        "es": {"name": "Refugio HELP para mujeres asiáticas",
               "description": "Refugio de emergencia. Consejo por teléfono, ayuda con visado, divorcio y vivienda."},
        "pt-br": {"name": "Abrigo HELP para mulheres asiáticas",
                  "description": "Abrigo de emergência. Orientação por telefone, ajuda com visto, divórcio e moradia."},
    },
    "女性の家サーラー": {
        "ja": {"description": "1992年にタイ人の人身取引被害者の救出をきっかけに設立されたシェルター。食事、カウンセリング、"
                              "法律相談、ホットライン、帰国や定住の支援。本人の言葉で支援します。"},
        "vi": {"name": "Nhà phụ nữ SAALAA",
               "description": "Nhà tạm lánh: bữa ăn, tư vấn, tư vấn pháp lý, đường dây nóng, giúp về nước hoặc ở lại Nhật. "
                              "Hỗ trợ bằng tiếng mẹ đẻ của phụ nữ."},
        "zh-hans": {"name": "女性之家 SAALAA",
                    "description": "庇护所：提供饮食、心理咨询、法律咨询、热线，帮助回国或在日本定居。用女性自己的语言提供帮助。"},
        "fil": {"name": "Women's House SAALAA",
                "description": "Shelter: pagkain, counselling, payong legal, hotline, tulong sa pag-uwi o sa pananatili. "
                               "Tulong sa sariling wika ng kababaihan."},
        "th": {"name": "บ้านพักหญิงสาลา (SAALAA)",
               "description": "บ้านพัก: อาหาร ให้คำปรึกษา ปรึกษากฎหมาย สายด่วน ช่วยกลับบ้านหรือตั้งหลักในญี่ปุ่น "
                              "ช่วยเหลือเป็นภาษาของผู้หญิงเอง"},
        "id": {"name": "Rumah Perempuan SAALAA",
               "description": "Rumah aman: makan, konseling, konsultasi hukum, hotline, bantuan pulang atau menetap. "
                              "Bantuan dalam bahasa perempuan itu sendiri."},
        "es": {"name": "Casa de la Mujer SAALAA",
               "description": "Refugio: comida, apoyo psicológico, consejo legal, línea de ayuda, ayuda para volver a casa "
                              "o quedarse. Ayuda en el idioma de cada mujer."},
        "pt-br": {"name": "Casa da Mulher SAALAA",
                  "description": "Abrigo: refeições, apoio psicológico, orientação jurídica, linha de ajuda, ajuda para voltar "
                                 "para casa ou ficar. Ajuda no idioma de cada mulher."},
    },
    "カラカサン〜移住女性のためのエンパワメントセンター": {
        "ja": {"description": "移住女性とその子どものためのセンター。家庭内暴力、在留資格、子どものこと、自助グループ。"},
        "vi": {"name": "Kalakasan – trung tâm hỗ trợ phụ nữ di cư",
               "description": "Trung tâm cho phụ nữ di cư và con của họ: bạo lực gia đình, tư cách lưu trú, con cái, nhóm tự lực."},
        "zh-hans": {"name": "Kalakasan 移民女性支援中心",
                    "description": "为移民女性和她们的孩子服务：家庭暴力、在留资格、孩子的问题、互助小组。"},
        "fil": {"name": "Kalakasan – Migrant Women Empowerment Center",
                "description": "Sentro para sa mga migranteng babae at kanilang mga anak: karahasan sa tahanan, visa, "
                               "mga anak, self-help groups."},
        "th": {"name": "คาลากาซัน ศูนย์ช่วยเหลือผู้หญิงย้ายถิ่น",
               "description": "ศูนย์สำหรับผู้หญิงย้ายถิ่นและลูก: ความรุนแรงในครอบครัว สถานะการพำนัก เรื่องลูก กลุ่มช่วยเหลือกันเอง"},
        "id": {"name": "Kalakasan – pusat pemberdayaan perempuan migran",
               "description": "Pusat untuk perempuan migran dan anak mereka: kekerasan dalam rumah tangga, izin tinggal, "
                              "anak, kelompok saling bantu."},
        "es": {"name": "Kalakasan – centro para mujeres migrantes",
               "description": "Centro para mujeres migrantes y sus hijos: violencia en casa, estatus de residencia, hijos, "
                              "grupos de autoayuda."},
        "pt-br": {"name": "Kalakasan – centro para mulheres migrantes",
                  "description": "Centro para mulheres migrantes e seus filhos: violência em casa, status de residência, filhos, "
                                 "grupos de autoajuda."},
    },
    "CCW Counselling Center for Women": {
        "ja": {"name": "CCW 女性のためのカウンセリングセンター",
               "description": "匿名・無料の電話相談。複数の言語で対応（どの言語かは要確認）。"},
        "vi": {"name": "CCW – trung tâm tư vấn cho phụ nữ",
               "description": "Tư vấn qua điện thoại miễn phí, không cần nói tên, bằng nhiều ngôn ngữ (ngôn ngữ nào: cần kiểm tra)."},
        "zh-hans": {"name": "CCW 女性咨询中心",
                    "description": "匿名免费电话咨询，提供多种语言（具体哪些语言：待核实）。"},
        "fil": {"name": "CCW Counselling Center for Women",
                "description": "Libre at hindi kailangang magpakilala na payo sa telepono, sa ilang wika (aling wika: aalamin pa)."},
        "th": {"name": "ศูนย์ให้คำปรึกษาสำหรับผู้หญิง CCW",
               "description": "ปรึกษาทางโทรศัพท์ฟรี ไม่ต้องบอกชื่อ หลายภาษา (ภาษาใดบ้าง: รอตรวจสอบ)"},
        "id": {"name": "CCW – pusat konseling untuk perempuan",
               "description": "Konseling telepon gratis tanpa menyebut nama, dalam beberapa bahasa (bahasa apa: perlu dicek)."},
        "es": {"name": "CCW – centro de apoyo para mujeres",
               "description": "Consejo por teléfono anónimo y gratis en varios idiomas (cuáles: por verificar)."},
        "pt-br": {"name": "CCW – centro de apoio para mulheres",
                  "description": "Orientação por telefone anônima e gratuita em vários idiomas (quais: a verificar)."},
    },
    "ライトハウス": {
        "ja": {"description": "人身取引ホットライン（主に性的搾取）、ケースワーク、研修。東京を拠点に全国対応。"},
        "vi": {"name": "Lighthouse (trước đây là Polaris Project Japan)",
               "description": "Đường dây nóng về buôn bán người (chủ yếu bóc lột tình dục), hỗ trợ từng trường hợp. "
                              "Ở Tokyo, hỗ trợ cả nước."},
        "zh-hans": {"name": "Lighthouse（原 Polaris Project Japan）",
                    "description": "人口贩卖求助热线（主要是性剥削）、个案支援和培训。总部在东京，面向全国。"},
        "fil": {"name": "Lighthouse (dating Polaris Project Japan)",
                "description": "Hotline laban sa human trafficking (lalo na sekswal na pagsasamantala) at tulong sa bawat kaso. "
                               "Nasa Tokyo, para sa buong Japan."},
        "th": {"name": "ไลท์เฮาส์ (เดิมชื่อ Polaris Project Japan)",
               "description": "สายด่วนเรื่องการค้ามนุษย์ (ส่วนใหญ่การแสวงประโยชน์ทางเพศ) ช่วยเหลือเป็นรายกรณี "
                              "อยู่ที่โตเกียว ช่วยทั่วประเทศ"},
        "id": {"name": "Lighthouse (dulu Polaris Project Japan)",
               "description": "Hotline perdagangan orang (terutama eksploitasi seksual) dan pendampingan kasus. "
                              "Di Tokyo, untuk seluruh Jepang."},
        "es": {"name": "Lighthouse (antes Polaris Project Japan)",
               "description": "Línea de ayuda sobre trata de personas (sobre todo explotación sexual) y apoyo en cada caso. "
                              "En Tokio, para todo Japón."},
        "pt-br": {"name": "Lighthouse (antes Polaris Project Japan)",
                  "description": "Linha de ajuda sobre tráfico de pessoas (principalmente exploração sexual) e apoio em cada caso. "
                                 "Em Tóquio, para todo o Japão."},
    },
    "IOM駐日事務所": {
        "ja": {"description": "国際移住機関。出入国在留管理庁との面談、安全な帰国、母国での生活再建の支援（日本政府の資金）。"},
        "vi": {"name": "IOM Nhật Bản (Tổ chức Di cư Quốc tế)",
               "description": "Giúp nói chuyện với cơ quan xuất nhập cảnh, về nước an toàn và làm lại cuộc sống ở quê nhà."},
        "zh-hans": {"name": "国际移民组织（IOM）驻日办事处",
                    "description": "帮助与出入境管理机构面谈、安全回国，并在本国重新开始生活（日本政府出资）。"},
        "fil": {"name": "IOM Japan (International Organization for Migration)",
                "description": "Tulong sa pakikipag-usap sa immigration, ligtas na pag-uwi at pagsisimula muli sa sariling bansa."},
        "th": {"name": "องค์การระหว่างประเทศเพื่อการโยกย้ายถิ่นฐาน (IOM) ประจำญี่ปุ่น",
               "description": "ช่วยเรื่องการสัมภาษณ์กับสำนักงานตรวจคนเข้าเมือง กลับบ้านอย่างปลอดภัย และเริ่มชีวิตใหม่ที่บ้านเกิด"},
        "id": {"name": "IOM Jepang (Organisasi Internasional untuk Migrasi)",
               "description": "Bantuan wawancara dengan imigrasi, pulang dengan aman dan memulai hidup baru di negara asal."},
        "es": {"name": "OIM Japón (Organización Internacional para las Migraciones)",
               "description": "Ayuda en entrevistas con inmigración, para volver a casa con seguridad y rehacer la vida en su país."},
        "pt-br": {"name": "OIM Japão (Organização Internacional para as Migrações)",
                  "description": "Ajuda em entrevistas com a imigração, para voltar para casa com segurança e recomeçar a vida no seu país."},
    },
    "法テラス（日本司法支援センター）": {
        "ja": {"description": "誰でも法律情報を得られます。無料法律相談と弁護士費用の立替え。全国に61の事務所。"},
        "vi": {"name": "Houterasu (Trung tâm hỗ trợ pháp lý Nhật Bản)",
               "description": "Thông tin pháp luật cho mọi người ở Nhật; tư vấn pháp lý miễn phí và cho vay tiền thuê luật sư."},
        "zh-hans": {"name": "法律支援中心（法Terrace）",
                    "description": "为在日本的所有人提供法律信息；免费法律咨询，垫付律师费用。全国有61个事务所。"},
        "fil": {"name": "Houterasu (Japan Legal Support Center)",
                "description": "Impormasyong legal para sa lahat sa Japan; libreng payong legal at pautang para sa bayad sa abogado."},
        "th": {"name": "โฮเทราสึ (ศูนย์ช่วยเหลือทางกฎหมายแห่งญี่ปุ่น)",
               "description": "ข้อมูลกฎหมายสำหรับทุกคนในญี่ปุ่น ปรึกษากฎหมายฟรี และให้ยืมเงินค่าทนายความ"},
        "id": {"name": "Houterasu (Pusat Bantuan Hukum Jepang)",
               "description": "Informasi hukum untuk semua orang di Jepang; konsultasi hukum gratis dan pinjaman biaya pengacara."},
        "es": {"name": "Houterasu (Centro de Apoyo Legal de Japón)",
               "description": "Información legal para cualquier persona en Japón; consulta legal gratis y préstamos para pagar abogados."},
        "pt-br": {"name": "Houterasu (Centro de Apoio Jurídico do Japão)",
                  "description": "Informação jurídica para qualquer pessoa no Japão; consulta jurídica grátis e empréstimo para pagar advogado."},
    },
    "外国人技能実習機構（OTIT）": {
        "ja": {"description": "技能実習生のための母国語相談。SOS窓口から一時保護や実地検査につながります。転籍の支援も。"},
        "vi": {"name": "OTIT (Tổ chức Thực tập kỹ năng cho người nước ngoài)",
               "description": "Đường dây tư vấn bằng tiếng mẹ đẻ cho thực tập sinh. Gọi SOS để được bảo vệ tạm thời "
                              "và kiểm tra nơi làm việc; giúp đổi công ty."},
        "zh-hans": {"name": "外国人技能实习机构（OTIT）",
                    "description": "为技能实习生提供母语咨询热线。拨打SOS可获得临时保护和现场检查；帮助更换实习单位。"},
        "fil": {"name": "OTIT (Organization for Technical Intern Training)",
                "description": "Hotline sa sariling wika para sa mga technical intern. Sa SOS, pansamantalang proteksyon at "
                               "inspeksyon sa trabaho; tulong sa paglipat ng employer."},
        "th": {"name": "องค์กรฝึกงานด้านเทคนิคสำหรับชาวต่างชาติ (OTIT)",
               "description": "สายด่วนภาษาแม่สำหรับผู้ฝึกงานด้านเทคนิค โทร SOS เพื่อขอความคุ้มครองชั่วคราวและให้ตรวจสถานที่ทำงาน "
                              "ช่วยเปลี่ยนนายจ้าง"},
        "id": {"name": "OTIT (Organisasi Pemagangan Teknis untuk Orang Asing)",
               "description": "Hotline dalam bahasa ibu untuk peserta magang teknis. Lewat SOS: perlindungan sementara dan "
                              "pemeriksaan tempat kerja; bantuan pindah perusahaan."},
        "es": {"name": "OTIT (Organización para la Formación Técnica de Extranjeros)",
               "description": "Línea en su idioma para aprendices técnicos. La línea SOS lleva a protección temporal y a una "
                              "inspección; ayuda para cambiar de empleador."},
        "pt-br": {"name": "OTIT (Organização para o Treinamento Técnico de Estrangeiros)",
                  "description": "Linha no seu idioma para estagiários técnicos. A linha SOS leva a proteção temporária e a uma "
                                 "inspeção; ajuda para mudar de empregador."},
    },
    "外国人在留支援センター（FRESC）": {
        "ja": {"hours": WEEKDAYS_9_17["ja"],
               "description": "出入国・人権・法律・労働の窓口が一か所に。ビデオ通訳で11言語（どの言語かは要確認）。"},
        **{language: {"hours": WEEKDAYS_9_17[language], **texts} for language, texts in {
            "vi": {"name": "FRESC (Trung tâm hỗ trợ người nước ngoài cư trú)",
                   "description": "Một nơi cho nhiều việc: xuất nhập cảnh, nhân quyền, pháp lý, lao động. "
                                  "11 ngôn ngữ qua phiên dịch video."},
            "zh-hans": {"name": "外国人在留支援中心（FRESC）",
                        "description": "一站式中心：出入境、人权、法律和劳动窗口。通过视频口译提供11种语言。"},
            "fil": {"name": "FRESC (Foreign Residents Support Center)",
                    "description": "Isang lugar para sa immigration, karapatang pantao, legal at trabaho. "
                                   "11 wika sa pamamagitan ng video interpreter."},
            "th": {"name": "ศูนย์สนับสนุนชาวต่างชาติที่พำนักในญี่ปุ่น (FRESC)",
                   "description": "ศูนย์บริการจุดเดียว: ตรวจคนเข้าเมือง สิทธิมนุษยชน กฎหมาย แรงงาน มีล่ามวิดีโอ 11 ภาษา"},
            "id": {"name": "FRESC (Pusat Dukungan Penduduk Asing)",
                   "description": "Satu tempat untuk imigrasi, hak asasi, hukum dan kerja. 11 bahasa lewat penerjemah video."},
            "es": {"name": "FRESC (Centro de Apoyo a Residentes Extranjeros)",
                   "description": "Un solo lugar para inmigración, derechos humanos, ayuda legal y trabajo. "
                                  "11 idiomas con intérprete por video."},
            "pt-br": {"name": "FRESC (Centro de Apoio a Residentes Estrangeiros)",
                      "description": "Um só lugar para imigração, direitos humanos, ajuda jurídica e trabalho. "
                                     "11 idiomas com intérprete por vídeo."},
        }.items()},
    },
    "外国人在留総合インフォメーションセンター": {
        "ja": {"description": "在留資格についての情報を17言語で（2021年7月から。どの言語かは要確認）。"},
        "vi": {"name": "Trung tâm thông tin lưu trú cho người nước ngoài (Cục Xuất nhập cảnh)",
               "description": "Thông tin về tư cách lưu trú bằng 17 ngôn ngữ."},
        "zh-hans": {"name": "外国人在留综合信息中心（出入国在留管理厅）",
                    "description": "用17种语言提供在留资格信息。"},
        "fil": {"name": "Immigration Services Agency Information Center",
                "description": "Impormasyon tungkol sa visa at status ng paninirahan sa 17 wika."},
        "th": {"name": "ศูนย์ข้อมูลการพำนักสำหรับชาวต่างชาติ (สำนักงานตรวจคนเข้าเมือง)",
               "description": "ข้อมูลเรื่องสถานะการพำนัก 17 ภาษา"},
        "id": {"name": "Pusat Informasi Izin Tinggal (Badan Imigrasi)",
               "description": "Informasi tentang izin tinggal dalam 17 bahasa."},
        "es": {"name": "Centro de Información de la Agencia de Inmigración",
               "description": "Información sobre el estatus de residencia en 17 idiomas."},
        "pt-br": {"name": "Centro de Informações da Agência de Imigração",
                  "description": "Informações sobre o status de residência em 17 idiomas."},
    },
    "労働条件相談ほっとライン": {
        "ja": {"description": "労働条件についての無料電話相談。平日の夜と土日に。"},
        "vi": {"name": "Đường dây nóng tư vấn điều kiện lao động (Bộ Y tế, Lao động và Phúc lợi)",
               "description": "Tư vấn miễn phí qua điện thoại về điều kiện làm việc, vào buổi tối ngày thường và cuối tuần."},
        "zh-hans": {"name": "劳动条件咨询热线（厚生劳动省）",
                    "description": "免费电话咨询劳动条件，工作日晚上和周末。"},
        "fil": {"name": "Labour Conditions Hotline (Ministry of Health, Labour and Welfare)",
                "description": "Libreng payo sa telepono tungkol sa kondisyon sa trabaho, gabi ng weekdays at Sabado't Linggo."},
        "th": {"name": "สายด่วนปรึกษาเงื่อนไขการทำงาน (กระทรวงสาธารณสุข แรงงานและสวัสดิการ)",
               "description": "ปรึกษาเรื่องเงื่อนไขการทำงานทางโทรศัพท์ฟรี ตอนเย็นวันธรรมดาและวันเสาร์อาทิตย์"},
        "id": {"name": "Hotline Kondisi Kerja (Kementerian Kesehatan, Tenaga Kerja dan Kesejahteraan)",
               "description": "Konsultasi gratis lewat telepon tentang kondisi kerja, malam hari kerja dan akhir pekan."},
        "es": {"name": "Línea sobre condiciones de trabajo (Ministerio de Salud, Trabajo y Bienestar)",
               "description": "Consejo gratis por teléfono sobre condiciones de trabajo, por la noche entre semana y los fines de semana."},
        "pt-br": {"name": "Linha sobre condições de trabalho (Ministério da Saúde, Trabalho e Bem-Estar)",
                  "description": "Orientação grátis por telefone sobre condições de trabalho, à noite nos dias úteis e nos fins de semana."},
    },
    "匿名通報ダイヤル": {
        "ja": {"hours": "平日 9:30-18:15（2009年の情報。要確認）",
               "description": "人身取引などの犯罪を匿名で通報できます。通報が被害者の保護につながると謝礼が出ることも。"
                              "ウェブのフォームもあります。"},
        "vi": {"name": "Đường dây báo tin ẩn danh (Cơ quan Cảnh sát Quốc gia)",
               "hours": "Thứ Hai đến thứ Sáu, 9:30-18:15 (thông tin năm 2009; cần kiểm tra)",
               "description": "Báo tin về buôn bán người và tội phạm khác mà không cần nói tên; có thể được thưởng "
                              "nếu tin báo giúp bảo vệ nạn nhân. Có cả mẫu báo tin trên mạng."},
        "zh-hans": {"name": "匿名举报热线（警察厅）", "hours": "工作日 9:30-18:15（2009年的信息，待核实）",
                    "description": "可匿名举报人口贩卖等犯罪；举报帮助保护受害者时可能获得奖励。也有网上表格。"},
        "fil": {"name": "Anonymous Reporting Dial (National Police Agency)",
                "hours": "Lunes hanggang Biyernes, 9:30-18:15 (impormasyon mula 2009; aalamin pa)",
                "description": "Mag-ulat ng trafficking at iba pang krimen nang hindi nagpapakilala; maaaring may gantimpala "
                               "kapag nakatulong ito sa pagprotekta sa biktima. May web form din."},
        "th": {"name": "สายแจ้งเบาะแสแบบไม่ระบุชื่อ (สำนักงานตำรวจแห่งชาติ)",
               "hours": "วันจันทร์-ศุกร์ 9:30-18:15 (ข้อมูลปี 2009 รอตรวจสอบ)",
               "description": "แจ้งเรื่องการค้ามนุษย์และอาชญากรรมอื่นโดยไม่ต้องบอกชื่อ อาจได้รางวัลถ้าเบาะแสช่วยคุ้มครองผู้เสียหายได้ "
                              "มีแบบฟอร์มบนเว็บด้วย"},
        "id": {"name": "Saluran Laporan Anonim (Badan Kepolisian Nasional)",
               "hours": "Senin sampai Jumat, 9:30-18:15 (informasi tahun 2009; perlu dicek)",
               "description": "Laporkan perdagangan orang dan kejahatan lain tanpa menyebut nama; bisa ada hadiah jika laporan "
                              "membantu melindungi korban. Ada juga formulir web."},
        "es": {"name": "Línea de denuncia anónima (Agencia Nacional de Policía)",
               "hours": "De lunes a viernes, 9:30-18:15 (dato de 2009; por verificar)",
               "description": "Denuncie la trata y otros delitos sin dar su nombre; puede haber una recompensa si la denuncia "
                              "ayuda a proteger a una víctima. También hay un formulario web."},
        "pt-br": {"name": "Linha de denúncia anônima (Agência Nacional de Polícia)",
                  "hours": "De segunda a sexta, 9:30-18:15 (informação de 2009; a verificar)",
                  "description": "Denuncie tráfico de pessoas e outros crimes sem dizer seu nome; pode haver recompensa se a "
                                 "denúncia ajudar a proteger uma vítima. Também há um formulário na internet."},
    },
    "女性相談支援センター": {
        "ja": {"description": "各都道府県にある公的な相談所（2024年3月までは婦人相談所）。相談、一時保護、民間シェルターの紹介、"
                              "仕事や住まいの支援。通訳は都道府県によって違います。"},
        "vi": {"name": "Trung tâm tư vấn và hỗ trợ phụ nữ",
               "description": "Trung tâm công ở mỗi tỉnh: tư vấn, bảo vệ tạm thời, giới thiệu nhà tạm lánh tư nhân, "
                              "giúp tìm việc và chỗ ở. Có phiên dịch hay không tùy từng tỉnh."},
        "zh-hans": {"name": "女性咨询支援中心",
                    "description": "每个都道府县都有的公立机构：咨询、临时保护、介绍民间庇护所、帮助找工作和住处。"
                                   "是否有口译因地而异。"},
        "fil": {"name": "Women's Consultation and Support Centre",
                "description": "Pampublikong sentro sa bawat prefecture: payo, pansamantalang proteksyon, pag-refer sa "
                               "pribadong shelter, tulong sa trabaho at tirahan. May interpreter o wala depende sa prefecture."},
        "th": {"name": "ศูนย์ให้คำปรึกษาและสนับสนุนผู้หญิง",
               "description": "ศูนย์ของรัฐในทุกจังหวัด: ให้คำปรึกษา คุ้มครองชั่วคราว ส่งต่อบ้านพักเอกชน ช่วยเรื่องงานและที่พัก "
                              "มีล่ามหรือไม่ขึ้นอยู่กับจังหวัด"},
        "id": {"name": "Pusat Konsultasi dan Dukungan Perempuan",
               "description": "Pusat pemerintah di setiap prefektur: konsultasi, perlindungan sementara, rujukan ke rumah aman "
                              "swasta, bantuan kerja dan tempat tinggal. Ada penerjemah atau tidak, tergantung prefektur."},
        "es": {"name": "Centro de Consulta y Apoyo para Mujeres",
               "description": "Centro público en cada prefectura: consulta, protección temporal, envío a refugios privados, "
                              "ayuda con trabajo y vivienda. Hay intérprete o no según la prefectura."},
        "pt-br": {"name": "Centro de Atendimento e Apoio à Mulher",
                  "description": "Centro público em cada província: atendimento, proteção temporária, encaminhamento a abrigos "
                                 "privados, ajuda com trabalho e moradia. Ter intérprete ou não depende da província."},
    },
    "かながわ・女のスペース みずら": {
        "ja": {"description": "女性のための相談室とシェルター。"},
        "vi": {"name": "Mizura (Không gian phụ nữ Kanagawa)", "description": "Phòng tư vấn và nhà tạm lánh cho phụ nữ."},
        "zh-hans": {"name": "Mizura（神奈川女性空间）", "description": "为女性提供咨询室和庇护所。"},
        "fil": {"name": "Mizura (Kanagawa Women's Space)", "description": "Silid para sa payo at mga shelter para sa kababaihan."},
        "th": {"name": "มิซึระ (พื้นที่ของผู้หญิงคานางาวะ)", "description": "ห้องให้คำปรึกษาและบ้านพักสำหรับผู้หญิง"},
        "id": {"name": "Mizura (Ruang Perempuan Kanagawa)", "description": "Ruang konseling dan rumah aman untuk perempuan."},
        "es": {"name": "Mizura (Espacio de Mujeres de Kanagawa)", "description": "Sala de consulta y refugios para mujeres."},
        "pt-br": {"name": "Mizura (Espaço das Mulheres de Kanagawa)", "description": "Sala de atendimento e abrigos para mulheres."},
    },
    "労働基準監督署・都道府県労働局": {
        "ja": {"description": "各都道府県で労働法を守らせる役所。人身取引の被害者に気づく役割も。外国人労働者の窓口がある署もあります。"},
        "vi": {"name": "Văn phòng thanh tra tiêu chuẩn lao động",
               "description": "Cơ quan bảo đảm luật lao động ở mỗi tỉnh; cũng có nhiệm vụ nhận ra nạn nhân buôn bán người. "
                              "Một số nơi có quầy cho lao động nước ngoài."},
        "zh-hans": {"name": "劳动基准监督署",
                    "description": "在各都道府县执行劳动法，也负责发现人口贩卖受害者。部分监督署设有外国劳动者窗口。"},
        "fil": {"name": "Labour Standards Inspection Offices",
                "description": "Nagpapatupad ng batas sa paggawa sa bawat prefecture; tumutulong ding makita ang mga biktima "
                               "ng trafficking. May desk para sa dayuhang manggagawa ang ilang opisina."},
        "th": {"name": "สำนักงานตรวจมาตรฐานแรงงาน",
               "description": "ดูแลให้ทำตามกฎหมายแรงงานในทุกจังหวัด และช่วยค้นหาผู้เสียหายจากการค้ามนุษย์ "
                              "บางแห่งมีช่องบริการสำหรับแรงงานต่างชาติ"},
        "id": {"name": "Kantor Pengawas Standar Ketenagakerjaan",
               "description": "Menegakkan hukum ketenagakerjaan di setiap prefektur; juga membantu mengenali korban perdagangan "
                              "orang. Beberapa kantor punya loket untuk pekerja asing."},
        "es": {"name": "Oficinas de Inspección de Normas Laborales",
               "description": "Hacen cumplir la ley laboral en cada prefectura; también deben detectar víctimas de trata. "
                              "Algunas oficinas tienen un mostrador para trabajadores extranjeros."},
        "pt-br": {"name": "Inspetorias de Normas Trabalhistas",
                  "description": "Fazem cumprir a lei trabalhista em cada província; também devem identificar vítimas de tráfico. "
                                 "Algumas têm um balcão para trabalhadores estrangeiros."},
    },
    "法務局 人権擁護部": {
        "ja": {"description": "2015年10月から、人身取引の被害者（男性も）に緊急の宿泊先を用意しています。"},
        "vi": {"name": "Cục Pháp vụ, Ban Bảo vệ nhân quyền",
               "description": "Từ tháng 10 năm 2015, lo chỗ ở khẩn cấp cho nạn nhân buôn bán người, cả nam giới."},
        "zh-hans": {"name": "法务局 人权拥护部",
                    "description": "自2015年10月起，为人口贩卖受害者（包括男性）安排紧急住宿。"},
        "fil": {"name": "Legal Affairs Bureaus, Human Rights Department",
                "description": "Mula Oktubre 2015, pang-emergency na matutuluyan para sa mga biktima ng trafficking, "
                               "kasama ang mga lalaki."},
        "th": {"name": "สำนักงานกิจการกฎหมาย ฝ่ายคุ้มครองสิทธิมนุษยชน",
               "description": "ตั้งแต่เดือนตุลาคม 2015 จัดที่พักฉุกเฉินให้ผู้เสียหายจากการค้ามนุษย์ รวมทั้งผู้ชาย"},
        "id": {"name": "Biro Urusan Hukum, Departemen Hak Asasi Manusia",
               "description": "Sejak Oktober 2015, menyediakan tempat menginap darurat untuk korban perdagangan orang, "
                              "termasuk laki-laki."},
        "es": {"name": "Oficinas de Asuntos Legales, Departamento de Derechos Humanos",
               "description": "Desde octubre de 2015, alojamiento de emergencia para víctimas de trata, también hombres."},
        "pt-br": {"name": "Departamentos de Assuntos Jurídicos, Setor de Direitos Humanos",
                  "description": "Desde outubro de 2015, hospedagem de emergência para vítimas de tráfico, inclusive homens."},
    },
    "性犯罪・性暴力被害者のためのワンストップ支援センター": {
        "ja": {"description": "性暴力の被害の相談。AV出演契約の取消しや流通の停止の相談も。"},
        "vi": {"name": "Trung tâm hỗ trợ một cửa cho nạn nhân bạo lực tình dục",
               "description": "Tư vấn sau khi bị bạo lực tình dục, cả việc hủy hợp đồng đóng phim người lớn và ngăn phát tán."},
        "zh-hans": {"name": "性犯罪・性暴力受害者一站式支援中心",
                    "description": "遭受性暴力后的咨询，也帮助解除成人影片合同、阻止传播。"},
        "fil": {"name": "One-Stop Support Centres para sa biktima ng sekswal na karahasan",
                "description": "Payo pagkatapos ng sekswal na karahasan, pati pagkansela ng kontrata sa adult video "
                               "at pagpigil sa pagkalat nito."},
        "th": {"name": "ศูนย์ช่วยเหลือแบบเบ็ดเสร็จสำหรับผู้เสียหายจากความรุนแรงทางเพศ",
               "description": "ให้คำปรึกษาหลังถูกกระทำความรุนแรงทางเพศ รวมถึงการยกเลิกสัญญาถ่ายหนังผู้ใหญ่และหยุดการเผยแพร่"},
        "id": {"name": "Pusat Layanan Terpadu untuk korban kekerasan seksual",
               "description": "Konsultasi setelah kekerasan seksual, termasuk membatalkan kontrak video dewasa dan "
                              "menghentikan penyebarannya."},
        "es": {"name": "Centros de apoyo integral para víctimas de violencia sexual",
               "description": "Consulta después de violencia sexual, también para anular contratos de vídeos para adultos "
                              "y detener su difusión."},
        "pt-br": {"name": "Centros de apoio integrado a vítimas de violência sexual",
                  "description": "Atendimento após violência sexual, inclusive para cancelar contratos de vídeos adultos "
                                 "e impedir a divulgação."},
    },
    # Demo entries (demo mode only): translated too, so that the demo shows every language.
    "Demo: migrant workers' consultation": {
        "ja": {"name": "デモ：外国人労働者の相談窓口", "hours": "デモの時間",
               "description": "デモ用の架空の窓口：外国人労働者の相談。"},
        "vi": {"name": "Demo: tư vấn cho lao động nhập cư", "hours": "Giờ demo",
               "description": "Mục demo, không có thật: tư vấn cho lao động nhập cư."},
        "zh-hans": {"name": "演示：外国劳动者咨询", "hours": "演示时间", "description": "虚构的演示条目：为外国劳动者提供咨询。"},
        "fil": {"name": "Demo: konsultasyon para sa migranteng manggagawa", "hours": "Oras ng demo",
                "description": "Gawa-gawang demo: konsultasyon para sa migranteng manggagawa."},
        "th": {"name": "ตัวอย่าง: ปรึกษาสำหรับแรงงานข้ามชาติ", "hours": "เวลาตัวอย่าง",
               "description": "ข้อมูลตัวอย่าง ไม่ใช่ของจริง: ปรึกษาสำหรับแรงงานข้ามชาติ"},
        "id": {"name": "Demo: konsultasi pekerja migran", "hours": "Jam demo",
               "description": "Contoh demo, bukan nyata: konsultasi untuk pekerja migran."},
        "es": {"name": "Demo: consulta para trabajadores migrantes", "hours": "Horario de demo",
               "description": "Entrada de demo, inventada: consulta para trabajadores migrantes."},
        "pt-br": {"name": "Demo: atendimento a trabalhadores migrantes", "hours": "Horário de demo",
                  "description": "Entrada de demonstração, inventada: atendimento a trabalhadores migrantes."},
    },
    "Demo: women's shelter": {
        "ja": {"name": "デモ：女性のためのシェルター", "description": "デモ用の架空の小さなシェルター。"},
        "vi": {"name": "Demo: nhà tạm lánh cho phụ nữ", "description": "Mục demo, không có thật: một nhà tạm lánh nhỏ."},
        "zh-hans": {"name": "演示：女性庇护所", "description": "虚构的演示条目：一个小型庇护所。"},
        "fil": {"name": "Demo: shelter para sa kababaihan", "description": "Gawa-gawang demo: isang maliit na shelter."},
        "th": {"name": "ตัวอย่าง: บ้านพักสำหรับผู้หญิง", "description": "ข้อมูลตัวอย่าง ไม่ใช่ของจริง: บ้านพักเล็ก ๆ"},
        "id": {"name": "Demo: rumah aman perempuan", "description": "Contoh demo, bukan nyata: rumah aman kecil."},
        "es": {"name": "Demo: refugio para mujeres", "description": "Entrada de demo, inventada: un refugio pequeño."},
        "pt-br": {"name": "Demo: abrigo para mulheres", "description": "Entrada de demonstração, inventada: um abrigo pequeno."},
    },
    "Demo: legal aid desk": {
        "ja": {"name": "デモ：法律相談窓口", "description": "デモ用の架空の窓口：被害者のための弁護士。在留資格を問いません。"},
        "vi": {"name": "Demo: bàn trợ giúp pháp lý", "description": "Mục demo, không có thật: luật sư cho nạn nhân, mọi tư cách lưu trú."},
        "zh-hans": {"name": "演示：法律援助窗口", "description": "虚构的演示条目：为受害者提供律师，不论在留资格。"},
        "fil": {"name": "Demo: tulong legal", "description": "Gawa-gawang demo: abogado para sa mga biktima, anumang status."},
        "th": {"name": "ตัวอย่าง: จุดช่วยเหลือทางกฎหมาย", "description": "ข้อมูลตัวอย่าง ไม่ใช่ของจริง: ทนายความสำหรับผู้เสียหาย ทุกสถานะ"},
        "id": {"name": "Demo: meja bantuan hukum", "description": "Contoh demo, bukan nyata: pengacara untuk korban, status apa pun."},
        "es": {"name": "Demo: ayuda legal", "description": "Entrada de demo, inventada: abogados para víctimas, con cualquier estatus."},
        "pt-br": {"name": "Demo: ajuda jurídica", "description": "Entrada de demonstração, inventada: advogados para vítimas, com qualquer status."},
    },
}
