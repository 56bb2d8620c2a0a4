// A few hundred of the most used passwords and password words (from public breach frequency lists),
// lowercased. The strength estimator treats any of them, whole or inside a passphrase, as near-free
// for an attacker to guess.
export const COMMON_PASSWORDS: readonly string[] = `
123456 password 12345678 qwerty 123456789 12345 1234 111111 1234567 dragon 123123 baseball abc123
football monkey letmein 696969 shadow master 666666 qwertyuiop 123321 mustang 1234567890 michael
654321 superman 1qaz2wsx 7777777 121212 000000 qazwsx 123qwe killer trustno1 jordan jennifer
zxcvbnm asdfgh hunter buster soccer harley batman andrew tigger sunshine iloveyou 2000 charlie
robert thomas hockey ranger daniel starwars klaster 112233 george computer michelle jessica pepper
1111 zxcvbn 555555 11111111 131313 freedom 777777 pass maggie 159753 aaaaaa ginger princess joshua
cheese amanda summer love ashley nicole chelsea matthew access yankees 987654321 dallas
austin thunder taylor matrix william corvette hello martin heather secret merlin diamond 1234qwer
gfhjkm hammer silver 222222 88888888 anthony justin test bailey q1w2e3r4t5 patrick internet scooter
orange 11111 golfer cookie richard samantha bigdog guitar jackson whatever mickey chicken sparky
snoopy maverick phoenix camaro peanut morgan welcome falcon cowboy ferrari samsung andrea smokey
steelers joseph mercedes dakota arsenal eagles melissa boomer booboo spider nascar monster tigers
yellow xxxxxx 123123123 gateway marina diablo bulldog qwer1234 compaq purple banana junior
hannah 123654 porsche lakers iceman money cowboys 987654 london tennis 999999 ncc1701 coffee scooby
0000 miller boston q1w2e3r4 brandon yamaha chester mother forever johnny edward 333333
oliver redsox player nikita knight fender barney midnight please brandy chicago badboy slayer
rangers charles angel flower bigdaddy rabbit wizard jasper enter rachel chris steven winner adidas
victoria natasha 1q2w3e4r jasmine winter prince marine ghbdtn fishing cocacola casper james
232323 raiders 888888 marlboro gandalf asdfasdf crystal 87654321 12344321 golden 8675309 angels
eagle 1q2w3e mike hotdog qwaszx helpme shannon cricket nirvana google fluffy charlotte
passw0rd password1 password12 password123 qwerty123 qwerty1 1qaz2wsx3edc zaq12wsx zaq1zaq1 admin
admin123 administrator login root toor changeme default guest letmein1 welcome1 welcome123 abc123456
iloveyou1 monkey1 dragon1 football1 baseball1 sunshine1 princess1 superman1 trustme secret1
master1 shadow1 michael1 jordan23 liverpool chelsea1 arsenal1 manchester barcelona realmadrid
pokemon minecraft fortnite roblox naruto lovely loveme babygirl friends family blessed jesus
christ god heaven faith hope trinity mylove myspace facebook twitter instagram youtube linkedin
apple samsung1 iphone android windows linux ubuntu qwertz azerty asdf asdfghjkl zxcvbnm1 qweasd
qweasdzxc 1qazxsw2 147258369 741852963 159357 147258 258456 135790 246810 192837465 11223344
abcd1234 abcdef abcdefg abcdefgh a1b2c3 a1b2c3d4 aa123456 1234abcd test123 test1234 testing
hello123 hello1 letmein123 whatever1 computer1 internet1 temp temp123 pass123 pass1234 passpass
spring autumn fall january february march april may june july august september october november
december monday friday sunday weekend holiday birthday secret123 private security safety office
work company business school student teacher college money1 cash dollar bitcoin crypto
starwars1 matrix1 batman1 spiderman ironman hulk thor captain avenger avengers marvel disney
mickeymouse pikachu hellokitty snoopy1 garfield scooby1 tinkerbell barbie cinderella ariel
`
  .split(/\s+/)
  .filter((word) => word.length > 0);
