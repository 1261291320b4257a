/**
 * Passwords of 8+ characters that sit at the top of every published leak ranking: NordPass's yearly
 * "most common passwords", SplashData's worst-passwords lists and the NCSC's analysis of Have I Been
 * Pwned's corpus (the "PwnedPasswordsTop100k" list). Written out from those public lists, without
 * their counts; shorter entries are already refused by the 8-character minimum. Compared lowercased.
 */
const LIST = `
12345678 123456789 1234567890 12345678910 123123123 123321123 1234512345 0123456789 0987654321
987654321 9876543210 11111111 111111111 1111111111 00000000 000000000 0000000000 88888888 99999999
12341234 11223344 112233445566 123654789 147258369 159753159 741852963 789456123 123456123 123qweasd
1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y 1qaz2wsx 1qaz2wsx3edc qwertyuiop qwerty123 qwerty12 qwerty1234
qwertyui qwerty12345 qwe123qwe qweasdzxc qazwsxedc zaq12wsx zaq1zaq1 asdfghjkl asdfghjk asdf1234
zxcvbnm1 zxcvbnm123 1234qwer abcd1234 abc12345 abcdefgh abcdefg1 aa123456 a1234567 a12345678
a123456789 1234abcd 12345qwert qwer1234 passw0rd password password1 password12 password123 password1234
password! p@ssw0rd p@ssword pa55word pass1234 passpass passwort motdepasse contrasena iloveyou
iloveyou1 iloveyou2 loveyou1 lovely12 princess princess1 sunshine sunshine1 football football1
baseball basketball superman batman123 starwars trustno1 welcome1 welcome123 letmein1 letmein123
computer internet whatever whatever1 changeme changeme1 administrator admin123 admin1234 adminadmin
root1234 master12 mastermind michael1 jennifer jordan23 charlie1 michelle christian chocolate
butterfly sunflower rainbow1 pokemon1 minecraft fortnite1 liverpool arsenal1 chelsea1 barcelona
manchester dragon12 monkey12 monkey123 shadow12 killer12 freedom1 football123 123456789a 12345678a
1234567a 1234567q qwertyu1 q1w2e3r4 q1w2e3r4t5 a1b2c3d4 1a2b3c4d samsung1 samsung123 google123
facebook myspace1 linkedin 11111111a aaaaaaaa abcabcabc asdasdasd qweqweqwe zxczxczxc 123abc123
999999999 77777777 666666666 55555555 44444444 33333333 22222222 12121212 13131313 69696969
123456789q 1234567890q secret123 security1 test1234 testtest testing1 guest123 default1
spiderman wolverine elizabeth jessica1 nicole123 daniel123 andrew123 matthew1 anthony1 joshua12
summer12 summer2024 summer2025 winter12 spring12 autumn12 august12 october1 november1 december
january1 february monday123 friday13 hello123 hellohello hello1234 goodluck blessed1 godisgood
jesus123 angel123 babygirl1 pretty12 flower12 family123 mother123 lovelove loveme12 iloveu12
fuckyou1 fuckoff1 asshole1 bitch123 qazxswedc mnbvcxz1 poiuytrewq 1qazxsw2 !qaz2wsx 1q2w3e4r!
`

export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(LIST.split(/\s+/).filter(Boolean))
